from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice_view, name="notice"),
    path("privacy/my-record/", views.my_record_view, name="my-record"),
    path("privacy/my-record/archive/", views.my_record_archive_view, name="my-record-archive"),
    path("privacy/my-record/report/", views.my_record_report_view, name="my-record-report"),
]
