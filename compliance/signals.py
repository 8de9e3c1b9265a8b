"""Signals compliance sends after its own writes have committed.

`extension_requested` is sent with `request` inside the transaction that records a learner's
request for more time, so their line manager can be told in their next daily message.

`extension_request_decided` is sent with `request` and `actor` inside the transaction that
records a decision on a request for more time, so the learner can be told (by the reminders
app, which sits above the engine).
"""

from django.dispatch import Signal

extension_requested = Signal()
extension_request_decided = Signal()
