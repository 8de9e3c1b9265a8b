"""The learner's pages outside the Wagtail page tree."""

app_name = "courses"
urlpatterns: list = []
