"""Explicit test-data helpers for mentorships."""

from typing import Any

from carementor.mentorships.models import Mentorship
from carementor.mentorships.services import mentorship_create
from carementor.programs.models import Program


def make_program(organization: Any, **extra: Any) -> Program:
    extra.setdefault("name", "Early-career mentoring")
    extra.setdefault("status", Program.Status.PUBLISHED)
    extra.setdefault("agreement_template", "We meet monthly for a year.")
    extra.setdefault("meeting_cadence_days", 30)
    return Program.objects.create(organization=organization, **extra)


def make_mentorship(
    program: Program,
    mentor: Any,
    mentee: Any,
    *,
    role: str = "mentor",
    source: str = "request",
    mentees: list[Any] | None = None,
) -> Mentorship:
    return mentorship_create(
        program=program,
        mentors=[mentor],
        mentees=mentees or [mentee],
        role=role,
        actor=mentee,
        source=source,
    )
