"""`people_changed` is sent with `person_ids` once HR data for those people has changed (an
import, an admin edit, a leaver processed), so whatever depends on who they are (their
obligations) can be recalculated by the apps above."""

from django.dispatch import Signal

people_changed = Signal()
