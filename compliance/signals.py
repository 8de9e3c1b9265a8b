"""Signals compliance sends after its own writes have committed.

`people_changed` is sent with `person_ids` once HR data for those people has changed (an
import, an admin edit, a leaver processed), so obligations can be recalculated.
"""

from django.dispatch import Signal

people_changed = Signal()
