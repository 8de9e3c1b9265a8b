"""Signals courses sends after its own writes commit, for apps that build on it.

`completion_recorded(completion_ids=[...])` and `completion_voided(completion_ids=[...])`
let compliance re-derive obligations without courses knowing compliance exists.
"""

from django.dispatch import Signal

completion_recorded = Signal()
completion_voided = Signal()
