"""The learner's pages outside the Wagtail page tree."""

from django.urls import path

from courses import views
from courses.scorm import views as scorm_views
from courses.video import views as video_views

app_name = "courses"
urlpatterns = [
    path("learning/courses/<int:course_id>/start/", views.course_start, name="course_start"),
    path("learning/courses/<int:course_id>/evaluation/", views.evaluation, name="evaluation"),
    path("learning/modules/<int:module_id>/check/", views.knowledge_check, name="knowledge_check"),
    path("learning/modules/<int:module_id>/complete/", scorm_views.module_mark_complete, name="module_complete"),
    path("learning/modules/<int:module_id>/screen/", views.module_move, name="module_move"),
    path("learning/modules/<int:module_id>/reflection/", views.module_reflection, name="module_reflection"),
    path("learning/sessions/<int:session_id>/book/", views.session_book, name="session_book"),
    path("learning/sessions/<int:session_id>/register/", views.session_register, name="session_register"),
    path("learning/bookings/<int:booking_id>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("learning/scorm/<int:module_id>/runtime/", scorm_views.runtime, name="scorm_runtime"),
    path("learning/video/<int:module_id>/progress/", video_views.video_progress, name="video_progress"),
    path("learning/videos/<int:video_id>/file/", video_views.video_file, name="video_file"),
    path("learning/videos/<int:video_id>/captions.vtt", video_views.video_captions, name="video_captions"),
    # On the package origin only (courses/scorm/content.py): signed addresses, no session.
    path("scorm-player/<str:token>/<int:index>/", scorm_views.launch_frame, name="scorm_launch"),
    path("scorm-content/<str:token>/<path:path>", scorm_views.content_file, name="scorm_content"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/reflections/<int:delivery_id>/", views.reflection_prompt, name="reflection_prompt"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate_verify_code"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
]
