"""Issuing when someone progresses. The learning, mentorships and evaluations apps send
`carementor.lib.signals.participation_progressed` (a module or quiz done, a mentorship closed,
a survey answered) after their transaction commits; we check that person's programme right
away, so a completed checklist shows up as a certificate without waiting for the scheduled
`certificates_issue` run. A signal, not a call: those apps sit below certificates."""

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_progressed(sender: Any, *, user: Any, program: Any, **kwargs: Any) -> None:
    from carementor.certificates.services import certificates_check

    try:
        certificates_check(user=user, program=program)
    except Exception:  # the scheduled run will retry; never break the learner's request
        logger.exception("Issuing after learning progress failed for user %s", user.pk)


def connect() -> None:
    from carementor.lib.signals import participation_progressed

    participation_progressed.connect(on_progressed, dispatch_uid="certificates-on-participation")
