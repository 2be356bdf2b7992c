"""The one signal between our apps, and why it is not a direct call.

Someone moved forward in a programme: a module completed, a quiz passed (learning), a survey
answered (evaluations), a mentorship closed (mentorships). Sent after the transaction commits,
with ``user`` and ``program``. The certificates app listens, so a completed checklist becomes a
certificate at once. A direct call would point upwards: certificates reads learning,
evaluations and mentorships to decide completion, so they may not import it (apps depend
downwards only); if no one listens, the scheduled ``certificates_issue`` run still issues.
"""

from django.dispatch import Signal

participation_progressed = Signal()
