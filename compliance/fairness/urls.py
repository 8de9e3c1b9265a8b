"""Fairness pages on the site, for the D&I analyst role."""

from django.urls import path

from . import representation_views, views

app_name = "fairness"
urlpatterns = [
    path("fairness/", views.fairness_view, name="page"),
    path("fairness/csv/", views.fairness_export_view, {"fmt": "csv"}, name="csv"),
    path("fairness/xlsx/", views.fairness_export_view, {"fmt": "xlsx"}, name="xlsx"),
    path("fairness/publish/", views.fairness_publish_view, {"fmt": "html"}, name="publish"),
    path("fairness/publish/csv/", views.fairness_publish_view, {"fmt": "csv"}, name="publish-csv"),
    path("fairness/workforce/", representation_views.workforce_view, name="workforce"),
    path("fairness/workforce/csv/", representation_views.workforce_export_view, name="workforce-csv"),
    path("fairness/progression/", representation_views.progression_view, name="progression"),
    path("fairness/progression/csv/", representation_views.progression_export_view, name="progression-csv"),
    path("fairness/participation/", representation_views.participation_view, name="participation"),
    path("fairness/participation/csv/", representation_views.participation_export_view, name="participation-csv"),
    path("fairness/benchmark/", representation_views.benchmark_view, name="benchmark"),
]
