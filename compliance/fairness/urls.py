"""Fairness pages on the site, for the D&I analyst role."""

from django.urls import path

from . import views
from .pages import benchmark, progress, workforce

app_name = "fairness"
urlpatterns = [
    path("fairness/", views.fairness_view, name="page"),
    path("fairness/csv/", views.fairness_export_view, {"fmt": "csv"}, name="csv"),
    path("fairness/xlsx/", views.fairness_export_view, {"fmt": "xlsx"}, name="xlsx"),
    path("fairness/publish/", views.fairness_publish_view, {"fmt": "html"}, name="publish"),
    path("fairness/publish/csv/", views.fairness_publish_view, {"fmt": "csv"}, name="publish-csv"),
    path("fairness/workforce/", workforce.workforce_view, name="workforce"),
    path("fairness/workforce/csv/", workforce.workforce_export_view, name="workforce-csv"),
    path("fairness/progression/", progress.progression_view, name="progression"),
    path("fairness/progression/csv/", progress.progression_export_view, name="progression-csv"),
    path("fairness/participation/", progress.participation_view, name="participation"),
    path("fairness/participation/csv/", progress.participation_export_view, name="participation-csv"),
    path("fairness/benchmark/", benchmark.benchmark_view, name="benchmark"),
]
