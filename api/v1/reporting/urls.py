from django.urls import path

from . import views

urlpatterns = [
    path("team/summary/", views.TeamSummaryView.as_view(), name="team-summary"),
    path("team/assignments/", views.TeamAssignmentListView.as_view(), name="team-assignments"),
    path("team/trend/", views.TeamTrendView.as_view(), name="team-trend"),
    path("team/people/<str:staff_number>/", views.TeamPersonView.as_view(), name="team-person"),
    path("reports/units/", views.UnitMatrixView.as_view(), name="reports-units"),
    path("reports/campaigns/", views.CampaignListView.as_view(), name="reports-campaigns"),
    path("reports/trend/", views.CommandTrendView.as_view(), name="reports-trend"),
    path("reports/breakdown/", views.BreakdownView.as_view(), name="reports-breakdown"),
    path("reports/overdue/", views.OverdueListView.as_view(), name="reports-overdue"),
]
