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


def matched_mentee_ids(program: Program) -> set[int]:
    """Mentees who already have an open relationship in the programme (not matched again)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program, mentorship__phase__in=OPEN_PHASES, role="mentee"
        ).values_list("user_id", flat=True)
    )


def matched_user_ids(program: Program) -> set[int]:
    """Everyone with an open relationship in the programme, on either side (peer runs)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program, mentorship__phase__in=OPEN_PHASES
        ).values_list("user_id", flat=True)
    )
