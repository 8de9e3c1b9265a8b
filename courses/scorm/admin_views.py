"""The SCORM packages' admin views that differ from Wagtail's own."""

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from wagtail.admin.views.generic import DeleteView


class ScormPackageDeleteView(DeleteView):
    """A package a module plays, or that holds learners' records, stays: say so, rather than fail."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                f"“{self.object}” cannot be deleted: a module plays it, or learners' records were kept with it.",
            )
            return redirect(self.index_url_name)
