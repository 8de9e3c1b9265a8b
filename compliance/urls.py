"""Obligations, teams and reports on the site (not the Wagtail admin)."""

app_name = "compliance"
urlpatterns: list = []
