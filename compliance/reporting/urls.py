"""Team and command pages on the site (the force reports live in the Wagtail admin)."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("team/", views.team_view, name="team"),
    path("team/csv/", views.team_export_view, {"fmt": "csv"}, name="team-csv"),
    path("team/xlsx/", views.team_export_view, {"fmt": "xlsx"}, name="team-xlsx"),
    path("team/charts/", views.team_charts_view, name="team-charts"),
    path("team/people/<str:staff_number>/", views.team_person_view, name="team-person"),
    path(
        "team/people/<str:staff_number>/requests/<int:pk>/decide/",
        views.team_decide_view,
        name="team-decide",
    ),
    path("command/", views.command_view, name="command"),
    path("command/csv/", views.command_export_view, {"fmt": "csv"}, name="command-csv"),
    path("command/xlsx/", views.command_export_view, {"fmt": "xlsx"}, name="command-xlsx"),
    path("command/units/<str:code>/", views.command_view, name="command-unit"),
    path("command/units/<str:code>/csv/", views.command_export_view, {"fmt": "csv"}, name="command-unit-csv"),
    path("command/units/<str:code>/xlsx/", views.command_export_view, {"fmt": "xlsx"}, name="command-unit-xlsx"),
]
