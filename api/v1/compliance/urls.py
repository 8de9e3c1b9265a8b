from django.urls import path

from . import views

urlpatterns: list = [
    path("requirements/", views.RequirementListView.as_view(), name="compliance-requirements"),
    path("requirements/preview/", views.RequirementPreviewView.as_view(), name="compliance-requirement-preview"),
    path("requirements/<int:pk>/", views.RequirementDetailView.as_view(), name="compliance-requirement"),
    path(
        "requirements/<int:pk>/preview/",
        views.RequirementChangePreviewView.as_view(),
        name="compliance-requirement-change-preview",
    ),
    path(
        "people/<str:staff_number>/assignments/",
        views.PersonAssignmentsView.as_view(),
        name="compliance-person-assignments",
    ),
    path("assignments/mine/", views.MyAssignmentsView.as_view(), name="compliance-my-assignments"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="compliance-assignment"),
    path("assignments/<int:pk>/exemptions/", views.ExemptionCreateView.as_view(), name="compliance-exemption"),
    path("assignments/<int:pk>/extensions/", views.ExtensionCreateView.as_view(), name="compliance-extension"),
    path("exemptions/<int:pk>/revoke/", views.ExemptionRevokeView.as_view(), name="compliance-exemption-revoke"),
    path("extension-requests/", views.ExtensionRequestListView.as_view(), name="compliance-extension-requests"),
    path(
        "extension-requests/<int:pk>/decision/",
        views.ExtensionRequestDecisionView.as_view(),
        name="compliance-extension-request-decision",
    ),
    path("exemption-requests/", views.ExemptionRequestListView.as_view(), name="compliance-exemption-requests"),
    path(
        "exemption-requests/<int:pk>/decision/",
        views.ExemptionRequestDecisionView.as_view(),
        name="compliance-exemption-request-decision",
    ),
    path("completions/", views.ManualCompletionView.as_view(), name="compliance-completions"),
    path("completions/import/", views.CompletionsImportView.as_view(), name="compliance-completions-import"),
    path("completions/<int:pk>/void/", views.CompletionVoidView.as_view(), name="compliance-completion-void"),
    path("audit/", views.AuditListView.as_view(), name="compliance-audit"),
]
