"""The site's URLs with the notification pages mounted, as cms/urls.py will mount them."""

from django.urls import include, path

from cms.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("compliance.reminders.urls")), *site_urlpatterns]
