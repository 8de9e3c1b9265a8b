"""The identity provider's two addresses; a host site includes them, e.g. at "oidc/".

The names are mozilla-django-oidc's, which it reverses itself.
"""

from django.urls import path

from compliance.oidc import views

urlpatterns = [
    path("authenticate/", views.SignInView.as_view(), name="oidc_authentication_init"),
    path("callback/", views.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
]
