"""Signals courses sends after its own writes commit, for apps that build on it.

`completion_recorded(completion_ids=[...])` and `completion_voided(completion_ids=[...])`
let compliance re-derive obligations without courses knowing compliance exists.

`booking_place_given(booking=...)` is sent inside the transaction that gave a waiting learner
a freed place, so the message telling them is planned in it (and never for a rolled-back one).

The learning events below are sent inside the transaction that records them, so what a
receiver writes (the xAPI app's outbox, `courses.xapi`) commits or rolls back with the event:

* `module_visited(progress=..., screen=..., created=...)`: the learner opened a module (Start,
  Next, Previous; a SCORM launch), `created` the first time in this enrolment, `screen` None when
  no screen was chosen.
* `knowledge_check_marked(attempt=..., questions=[...])`: a knowledge check marked on the server
  (`questions` as `courses.blocks.knowledge_check_questions` gives them).
* `module_completed(enrolment=..., module=..., completed_at=...)`: a module completed, once per
  enrolment.
* `course_completed(enrolment=..., completion=...)`: the course completed (the completion is new).
* `scorm_initialized(attempt=..., step=...)`: a SCO called Initialize (LMSInitialize): a new
  session of its attempt (`attempt.sessions` is its number).
* `scorm_committed(attempt=..., step=..., terminate=...)`: a SCO's Commit or Terminate (LMSCommit,
  LMSFinish) was kept; `attempt` holds what it stored.
"""

from django.dispatch import Signal

completion_recorded = Signal()
completion_voided = Signal()
booking_place_given = Signal()

module_visited = Signal()
knowledge_check_marked = Signal()
module_completed = Signal()
course_completed = Signal()
scorm_initialized = Signal()
scorm_committed = Signal()
