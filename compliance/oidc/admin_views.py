"""Superusers' screen for sign-in links: find the identity an account is linked to, and release
it when the person's directory account was replaced, so the new one can link at its next sign-in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.audit.services import audit_event_record
from compliance.people.models import SignInLink


class SignInLinksView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "compliance/admin/sign_in_links.html"
    page_title = "Sign-in links"
    header_icon = "link"
    listed = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:150]
        links = SignInLink.objects.select_related("user__person").order_by("-last_used_at")
        if query:
            links = links.filter(
                Q(user__username__iexact=query)
                | Q(user__email__iexact=query)
                | Q(user__person__staff_number__iexact=query)
                | Q(subject=query)
            )
        return super().get_context_data(query=query, links=links[: self.listed], listed=self.listed, **kwargs)

    def post(self, request, *args, **kwargs):
        pk = request.POST.get("link", "")
        link = SignInLink.objects.select_related("user").filter(pk=pk).first() if pk.isdigit() else None
        if link is None:
            messages.error(request, "That link has already been released.")
        else:
            audit_event_record(
                action="sign_in_link_released",
                obj=link.user,
                summary=f"Released {link.user.get_username()}'s link to {link.subject} at {link.issuer}",
                source="admin",
                actor=request.user,
                changes={"issuer": link.issuer, "subject": link.subject},
            )
            link.delete()
            messages.success(
                request,
                f"{link.user.get_username()} is no longer linked: their next sign-in through the "
                "force's sign-in service links the identity it comes with.",
            )
        query = request.POST.get("q", "").strip()
        return redirect(reverse("compliance_sign_in_links") + (f"?{urlencode({'q': query})}" if query else ""))
