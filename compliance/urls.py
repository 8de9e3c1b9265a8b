"""Obligations, teams and reports on the site (not the Wagtail admin)."""

from django.urls import path

from compliance import views
from compliance.landing import landing_view

app_name = "compliance"
urlpatterns: list = [
    path("start/", landing_view, name="landing"),
    path("my-training/", views.my_training_view, name="my-training"),
    path("my-training/<int:pk>/more-time/", views.extension_request_view, name="extension-request"),
    path("my-training/<int:pk>/exemption/", views.exemption_request_view, name="exemption-request"),
    path("compliance/extension-requests/", views.extension_requests_view, name="extension-requests"),
    path(
        "compliance/extension-requests/<int:pk>/decide/",
        views.extension_request_decide_view,
        name="extension-request-decide",
    ),
    path("compliance/observations/", views.observations_view, name="observations"),
    path("compliance/observations/<int:pk>/", views.observation_record_view, name="observation-record"),
]
