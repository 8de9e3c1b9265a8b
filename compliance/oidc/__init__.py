"""Sign-in through the force's identity provider with OpenID Connect (mozilla-django-oidc).

The authorization code flow with PKCE, state and nonce; the ID token's signature checked
against the provider's published keys, and its issuer, audience and expiry checked too. The
provider's endpoints come from its discovery document (`OIDC_OP_ISSUER` +
`/.well-known/openid-configuration`). A signed-in person is matched to the account HR created,
by the claim `OIDC_IDENTITY_CLAIM` against the person's `OIDC_IDENTITY_FIELD` (email or staff
number); nobody HR does not know gets an account unless `OIDC_CREATE_USER` is set, and an
inactive account (a leaver, or locked by an administrator) is refused with a page that says so.
"""
