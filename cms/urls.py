from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import mfa
from cms.health import health
from compliance.oidc.views import SignOutView

handler500 = "cms.errors.server_error_or_unavailable"

urlpatterns = [
    path("health/", health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/two-factor/", mfa.verify_view, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", mfa.setup_view, name="two_factor_setup"),
    path("oidc/", include("compliance.oidc.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("api.urls")),
    path("", include("courses.urls")),
    path("", include("compliance.urls")),
    path("", include("compliance.reporting.urls")),
    path("", include("compliance.reminders.urls")),
    path("", include("compliance.fairness.urls")),
    path("", include("compliance.talent.urls")),
    path("", include("compliance.privacy.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from its page tree; it must come last.
urlpatterns.append(path("", include(wagtail_urls)))
