"""Signals shared between apps, so one app can react to another without importing it."""

from django.dispatch import Signal

# Someone moved forward in a programme: a survey answered, a mentorship closed (learning has its
# own `learning_progressed`). Sent after the transaction commits, with ``user`` and ``program``.
# The certificates app listens, so a completed checklist becomes a certificate at once.
participation_progressed = Signal()
