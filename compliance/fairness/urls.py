"""Fairness pages on the site, for the D&I analyst role."""

from django.urls import path

from . import views

app_name = "fairness"
urlpatterns = [
    path("fairness/", views.fairness_view, name="page"),
    path("fairness/csv/", views.fairness_export_view, {"fmt": "csv"}, name="csv"),
    path("fairness/xlsx/", views.fairness_export_view, {"fmt": "xlsx"}, name="xlsx"),
    path("fairness/publish/", views.fairness_publish_view, {"fmt": "html"}, name="publish"),
    path("fairness/publish/csv/", views.fairness_publish_view, {"fmt": "csv"}, name="publish-csv"),
]
