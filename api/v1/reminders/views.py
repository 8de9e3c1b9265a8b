"""Reminders API: the caller's notifications, the force-wide policy, the notification log."""

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import CanEditReminderPolicy, CanReadNotificationLog
from api.schema import NOT_FOUND
from compliance.reminders.models import Notification, Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.selectors import reminder_log, user_notifications
from compliance.reminders.services import notification_mark_read

from . import serializers as s

MarkedSerializer = inline_serializer("NotificationsMarked", {"marked_read": serializers.IntegerField()})


@extend_schema(tags=["reminders"])
class NotificationListView(generics.ListAPIView):
    """The reminders sent to the signed-in user, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return user_notifications(user=self.request.user)


@extend_schema(tags=["reminders"], request=None, responses={200: MarkedSerializer, **NOT_FOUND})
class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        if not user_notifications(user=request.user).filter(pk=pk).exists():
            raise NotFound("You have no notification with that id.")
        return Response({"marked_read": notification_mark_read(user=request.user, notification_id=pk)})


@extend_schema(tags=["reminders"], request=None, responses={200: MarkedSerializer})
class NotificationReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"marked_read": notification_mark_read(user=request.user)})


@extend_schema(tags=["reminders"])
class ReminderPolicyView(generics.RetrieveUpdateAPIView):
    """The force-wide reminder policy (created with PRODUCT.md's defaults when first read)."""

    permission_classes = [CanEditReminderPolicy]
    serializer_class = s.ReminderPolicySerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_object(self):
        policy = ReminderPolicy.objects.filter(requirement__isnull=True).first()
        return policy or ReminderPolicy.objects.create()


class ReminderLogFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReminderKind.choices)
    status = django_filters.ChoiceFilter(choices=ReminderStatus.choices)
    planned_on = django_filters.DateFromToRangeFilter()
    recipient_email = django_filters.CharFilter(lookup_expr="iexact")
    staff_number = django_filters.CharFilter(field_name="assignment__person__staff_number")

    class Meta:
        model = Reminder
        fields = ["kind", "status", "planned_on", "recipient_email", "staff_number"]


@extend_schema(tags=["reminders"])
class ReminderLogView(generics.ListAPIView):
    """Who was sent what, when and why."""

    permission_classes = [CanReadNotificationLog]
    serializer_class = s.ReminderLogSerializer
    filterset_class = ReminderLogFilter

    def get_queryset(self):
        return reminder_log().order_by("-planned_on", "-pk")
