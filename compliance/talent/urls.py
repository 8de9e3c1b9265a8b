"""Talent programmes on the site: open cohorts, applying, nominating, support and selection."""

from django.urls import path

from compliance.talent import views

app_name = "talent"
urlpatterns: list = [
    path("programmes/", views.programmes_view, name="programmes"),
    path("programmes/applications/", views.my_applications_view, name="my-applications"),
    path("programmes/applications/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("programmes/applications/<int:pk>/support/", views.support_decide_view, name="support-decide"),
    path("programmes/applications/<int:pk>/score/", views.score_view, name="score"),
    path("programmes/support/", views.support_list_view, name="support"),
    path("programmes/cohorts/<int:pk>/apply/", views.apply_view, name="apply"),
    path("programmes/cohorts/<int:pk>/nominate/", views.nominate_view, name="nominate"),
    path("programmes/cohorts/<int:pk>/panel/", views.panel_view, name="panel"),
    path("programmes/cohorts/<int:pk>/panel/csv/", views.panel_csv_view, name="panel-csv"),
    path("programmes/cohorts/<int:pk>/fill/", views.fill_view, name="fill"),
    path("programmes/cohorts/<int:pk>/running/", views.running_view, name="running"),
    path("programmes/milestones/<int:pk>/attendance/", views.attendance_view, name="attendance"),
    path("programmes/applications/<int:pk>/mentor/", views.mentor_view, name="mentor"),
    path("programmes/applications/<int:pk>/complete/", views.complete_view, name="complete"),
    path("programmes/applications/<int:pk>/plan/", views.plan_view, name="plan"),
    path("programmes/mentoring/", views.mentoring_view, name="mentoring"),
    path("programmes/<int:pk>/report/", views.programme_report_view, name="report"),
    path("programmes/<int:pk>/report/csv/", views.programme_report_view, {"download": "csv"}, name="report-csv"),
    path("programmes/<int:pk>/report/xlsx/", views.programme_report_view, {"download": "xlsx"}, name="report-xlsx"),
]
