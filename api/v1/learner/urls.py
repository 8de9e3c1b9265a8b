from django.urls import path

from api.v1.learner import views

urlpatterns = [
    path("courses/", views.MyCoursesView.as_view(), name="learner-courses"),
    path("courses/<str:course_code>/", views.MyCourseView.as_view(), name="learner-course"),
    path("courses/<str:course_code>/start/", views.StartCourseView.as_view(), name="learner-course-start"),
    path("modules/<int:module_id>/", views.ModuleView.as_view(), name="learner-module"),
    path("modules/<int:module_id>/progress/", views.ModuleProgressView.as_view(), name="learner-module-progress"),
    path("modules/<int:module_id>/knowledge-check/", views.KnowledgeCheckView.as_view(), name="learner-check"),
    path("sessions/", views.SessionListView.as_view(), name="learner-sessions"),
    path("bookings/", views.BookingListView.as_view(), name="learner-bookings"),
    path("bookings/<int:booking_id>/cancel/", views.BookingCancelView.as_view(), name="learner-booking-cancel"),
    path("reflections/", views.ReflectionListView.as_view(), name="learner-reflections"),
    path("evaluations/", views.EvaluationListView.as_view(), name="learner-evaluations"),
]
