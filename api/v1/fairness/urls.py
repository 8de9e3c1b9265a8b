from django.urls import path

from . import views

urlpatterns = [
    path("", views.FairnessTableView.as_view(), name="fairness-table"),
]
