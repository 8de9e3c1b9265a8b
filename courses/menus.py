"""Menu items for the courses screens in the Wagtail admin. `wagtail_hooks.py` registers them."""

from wagtail.admin.menu import MenuItem

from courses.admin_views import user_is_ld


class CourseRatesMenuItem(MenuItem):
    """Reports → Course completion and responses, and Course evaluations: for L&D only."""

    def is_shown(self, request):
        return user_is_ld(request.user)
