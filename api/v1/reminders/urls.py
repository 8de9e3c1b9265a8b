from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="reminders-notifications"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="reminders-notifications-read-all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="reminders-notification-read"),
    path("policy/", views.ReminderPolicyView.as_view(), name="reminders-policy"),
    path("log/", views.ReminderLogView.as_view(), name="reminders-log"),
]
