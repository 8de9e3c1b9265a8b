"""Signals courses sends after its own writes commit, for apps that build on it.

`completion_recorded(completion_ids=[...])` and `completion_voided(completion_ids=[...])`
let compliance re-derive obligations without courses knowing compliance exists.

`booking_place_given(booking=...)` is sent inside the transaction that gave a waiting learner
a freed place, so the message telling them is planned in it (and never for a rolled-back one).
"""

from django.dispatch import Signal

completion_recorded = Signal()
completion_voided = Signal()
booking_place_given = Signal()
