// A real OpenID provider for the sign-in tests: node-oidc-provider on 127.0.0.1, with its
// development sign-in form (any login is accepted: the login names the account).
//
// Environment:
//   IDP_PORT            port to listen on
//   IDP_CLIENT          JSON: {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   IDP_ACCOUNTS        JSON: {login: {email, employee_id, name}}; any other login that is an
//                       email address is that address, and any other gets login@outside.example,
//                       a person the force's HR does not know
//   IDP_CLOCK_SKEW      seconds added to the provider's clock (with a short IDP_ID_TOKEN_TTL and
//                       a skew further back, it issues ID tokens that have already expired)
//   IDP_ID_TOKEN_TTL    seconds an ID token is valid (default 3600)
//
// Consent is granted in advance for the one client, as a force's administrator does for an
// enterprise application in Microsoft Entra ID.
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const client = JSON.parse(process.env.IDP_CLIENT);
const accounts = JSON.parse(process.env.IDP_ACCOUNTS || '{}');
const skew = Number(process.env.IDP_CLOCK_SKEW || '0');
const idTokenTtl = Number(process.env.IDP_ID_TOKEN_TTL || '3600');

if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew * 1000;
}

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    employee: ['employee_id'],
  },
  scopes: ['openid', 'email', 'profile', 'employee'],
  async findAccount(ctx, id) {
    const known = accounts[id] || { email: id.includes('@') ? id : `${id}@outside.example`, name: id };
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...known };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile employee');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: { IdToken: idTokenTtl },
  cookies: { keys: ['inclusion-lms-test-idp'] },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
