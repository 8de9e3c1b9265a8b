"""Face-to-face sessions of blended and face-to-face courses, and bookings for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from courses.privacy import Basis, PersonalData, Retention


class FaceToFaceSession(models.Model):
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="sessions",
        limit_choices_to={"delivery_mode__in": ["blended", "face_to_face"]},
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True, help_text="Building and room, or leave blank if online.")
    online_link = models.URLField(blank=True, help_text="Joining link for an online session.")
    capacity = models.PositiveSmallIntegerField()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="facilitated_sessions"
    )
    notes = models.TextField(blank=True, help_text="What to bring, access arrangements, parking.")
    cancelled = models.BooleanField(default=False)

    personal_data = PersonalData(
        about="A face-to-face session and who facilitates it.",
        purpose="To run sessions and send their invitations.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="Everyone who may book it sees the facilitator's name.",
        subject="facilitator",
        identity=("facilitator",),
        other=("course", "starts_at", "ends_at", "venue", "online_link", "capacity", "notes", "cancelled"),
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="session_has_place"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}: {self.starts_at:%d/%m/%Y %H:%M}"

    def clean(self):
        """Field errors, so the form shows them by the fields (and the matching database
        constraints, whose raw messages mean nothing to an editor, are not checked twice)."""
        errors = {}
        if not self.venue and not self.online_link:
            message = "Give a venue or an online link (or both)."
            errors["venue"] = message
            errors["online_link"] = message
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self._state.adding and self.starts_at and self.starts_at < timezone.now():
            errors["starts_at"] = "The session cannot start in the past. Give a date and time from now on."
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = "Give at least 1 place."
        if errors:
            raise ValidationError(errors)

    @property
    def where(self) -> str:
        return self.venue or "Online"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITLISTED = "waitlisted", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    session = models.ForeignKey(FaceToFaceSession, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_bookings")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now=True)
    attended = models.BooleanField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        about="A place you booked (or are waiting for) on a face-to-face session, and whether you attended.",
        purpose="To run sessions and count attendance as completion.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, the session's facilitator, L&D and their line managers.",
        subject="user",
        identity=("user", "marked_by"),
        training=("session", "status", "attended"),
        other=("created_at", "status_changed_at", "marked_at"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["booked", "waitlisted"]),
                name="one_active_booking_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="booking_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} on {self.session_id}"
