"""The two calls matching makes into the mentorships app, in one place.

Capacity counts the mentor's open mentorships in the programme; until the mentorships app is
installed the enrolment's own counter stands in, so matching can be built and tested alone.
"""

from collections.abc import Sequence
from typing import Any

from carementor.programs.models import Enrollment, Program


def open_mentorships(program: Program, mentor: Any, enrollment: Enrollment) -> int:
    try:
        from carementor.mentorships.models import Mentorship
    except ImportError:
        return enrollment.seats_taken
    return int(Mentorship.objects.counting_against_capacity(program, mentor).count())


def create_mentorship(
    *,
    program: Program,
    mentors: Sequence[Any],
    mentees: Sequence[Any],
    role: str,
    actor: Any,
    source: str,
) -> Any:
    try:
        from carementor.mentorships.services import mentorship_create
    except ImportError:
        return None
    return mentorship_create(
        program=program,
        mentors=list(mentors),
        mentees=list(mentees),
        role=role,
        actor=actor,
        source=source,
    )
