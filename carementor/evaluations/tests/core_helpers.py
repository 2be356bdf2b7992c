"""Explicit test-data helpers for the evaluations core (instruments, schedule, surveys)."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from carementor.evaluations.models import Instrument, ScheduleEntry, SurveyAssignment
from carementor.mentorships.models import Mentorship, Phase
from carementor.mentorships.tests.helpers import make_mentorship


def library(slug: str) -> Instrument:
    return Instrument.objects.get(organization=None, slug=slug, version=1)


def active_mentorship(
    program: Any, mentor: Any, mentee: Any, *, at: datetime | None = None, **kw: Any
) -> Mentorship:
    """A mentorship made active at ``at`` (default now) without the agreement dance."""
    mentorship = make_mentorship(program, mentor, mentee, **kw)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        phase=Phase.ACTIVE, activated_at=at or timezone.now()
    )
    return Mentorship.objects.get(pk=mentorship.pk)


def schedule(
    program: Any, slug: str, occasion: str, role: str = "mentee", **kw: Any
) -> ScheduleEntry:
    return ScheduleEntry.objects.create(
        program=program, instrument=library(slug), occasion=occasion, role=role, **kw
    )


def assign(
    user: Any,
    program: Any,
    slug: str = "relationship-quality",
    *,
    mentorship: Mentorship | None = None,
    occasion: str = "closure",
    role: str = "mentee",
    subject: Any = None,
    days: int = 14,
) -> SurveyAssignment:
    now = timezone.now()
    return SurveyAssignment.objects.create(
        program=program,
        instrument=library(slug),
        occasion=occasion,
        mentorship=mentorship,
        user=user,
        role=role,
        subject=subject,
        opens_at=now - timedelta(minutes=1),
        due_at=now + timedelta(days=days),
    )


def full_answers(instrument: Instrument, value: int = 4) -> dict[str, Any]:
    """An answer to every item: ``value`` on Likert items, text on free-text ones."""
    answers: dict[str, Any] = {}
    for item in instrument.items.all():
        answers[item.key] = "A good experience." if item.scale == "text" else value
    return answers
