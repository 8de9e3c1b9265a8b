from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all_view, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read_view, name="notification-read"),
    path("notifications/digest/", views.digest_preference_view, name="digest-preference"),
]
