"""The admin's lists and inspect pages for people, assignments and the audit trail: their
filters, and inspect pages that show labels and dates in words."""

import datetime
from urllib.parse import urlencode

import django_filters
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView

from compliance.access import user_is_compliance_admin, user_may_answer_subject_access
from compliance.audit.models import AuditEvent
from compliance.models import (
    Assignment,
    AssignmentState,
    Exemption,
    Extension,
    ExtensionRequest,
    Requirement,
)
from compliance.people.models import Hold, LeadershipLevel, OrgUnit, Person, WorkerType
from compliance.selectors.assignments import Status, assignments_with_status
from courses.models import Completion


class TidyInspectView(InspectView):
    """Empty fields read "Not set" (not "None"), yes/no fields "Yes" or "No", dates "31 December 2026"."""

    def get_context_for_field(self, field_name):
        context = super().get_context_for_field(field_name)
        value = context["value"]
        if value is None or value == "":
            context["value"] = "Not set"
        elif isinstance(value, bool):
            context["value"] = "Yes" if value else "No"
        elif isinstance(value, datetime.datetime):
            context["value"] = date_format(timezone.localtime(value), "j F Y, H:i")
        elif isinstance(value, datetime.date):
            context["value"] = date_format(value, "j F Y")
        return context


class PersonFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.order_by("path"), method="in_unit", label="Unit (and below)"
    )
    worker_type = django_filters.ChoiceFilter(choices=WorkerType.choices)
    leadership_level = django_filters.ChoiceFilter(choices=LeadershipLevel.choices)
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Person
        fields = ["unit", "worker_type", "leadership_level", "is_active"]

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)


class PersonIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")


class AssignmentFilterSet(WagtailFilterSet):
    requirement = django_filters.ModelChoiceFilter(queryset=Requirement.objects.all())
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)
    is_current = django_filters.BooleanFilter(label="Current cycle")

    class Meta:
        model = Assignment
        fields = ["requirement", "state", "is_current"]


class AssignmentIndexView(IndexView):
    def get_base_queryset(self):
        return assignments_with_status(super().get_base_queryset().select_related("person", "requirement"))

    def search_queryset(self, queryset):
        if self.search_query:
            q = self.search_query.strip()
            return queryset.filter(
                Q(person__staff_number=q) | Q(person__last_name__icontains=q) | Q(person__first_name__icontains=q)
            )
        return queryset


class AssignmentInspectView(TidyInspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Assignment.objects.select_related("person", "requirement"), pk=self.pk)

    def get_page_subtitle(self):
        a = self.object
        return f"{a.requirement.name} for {a.person.full_name} ({a.person.staff_number}), cycle {a.cycle}"

    def get_context_data(self, **kwargs):
        # L&D open assignments from escalations; only administrators act on them.
        return {**super().get_context_data(**kwargs), "may_act": user_is_compliance_admin(self.request.user)}


class PersonInspectView(TidyInspectView):
    """A person's HR record, with the way to their training and, for those who answer data
    protection requests, to a request about them and to the legal holds on their records."""

    def get_context_data(self, **kwargs):
        person = self.object
        counts = dict(
            assignments_with_status(Assignment.objects.filter(person=person, is_current=True))
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        may_answer = user_may_answer_subject_access(user=self.request.user)
        holds = (
            Hold.objects.filter(person=person)
            .select_related("placed_by", "lifted_by")
            .order_by(F("lifted_at").desc(nulls_first=True), "-placed_at", "-pk")
            if may_answer
            else []
        )
        return {
            **super().get_context_data(**kwargs),
            "holds": holds,
            "current_assignments": sum(counts.values()),
            "overdue_assignments": counts.get(Status.OVERDUE, 0),
            "assignments_url": f"{reverse('compliance_assignment:index')}?{urlencode({'q': person.staff_number})}",
            "may_answer_subject_access": may_answer,
        }


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(lookup_expr="icontains")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    source = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor__username", label="Actor username")
    at = django_filters.DateFromToRangeFilter(label="Date")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "source", "actor", "at"]


class AuditIndexView(IndexView):
    """Search finds the words in the summary or the action, and everything recorded about a
    person found by staff number or name (their assignments, exemptions, extensions, requests
    for more time and completions), including events written before summaries named people."""

    MAX_PEOPLE = 200

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        term = self.search_query.strip()
        query = Q(summary__icontains=term) | Q(action__icontains=term) | Q(object_id=term)
        words = term.split()
        name_q = Q()
        for word in words:
            name_q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        people = list(
            Person.objects.filter(Q(staff_number__iexact=term) | name_q).values_list("pk", "user_id")[: self.MAX_PEOPLE]
        )
        if people:
            person_ids = [pk for pk, _ in people]
            assignments = Assignment.objects.filter(person_id__in=person_ids)
            related = {
                "person": person_ids,
                "assignment": assignments.values_list("pk", flat=True),
                "exemption": Exemption.objects.filter(assignment__in=assignments).values_list("pk", flat=True),
                "extension": Extension.objects.filter(assignment__in=assignments).values_list("pk", flat=True),
                "extensionrequest": ExtensionRequest.objects.filter(assignment__in=assignments).values_list(
                    "pk", flat=True
                ),
                "completion": Completion.objects.filter(user_id__in=[u for _, u in people]).values_list(
                    "pk", flat=True
                ),
            }
            for object_type, ids in related.items():
                query |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
        return queryset.filter(query)
