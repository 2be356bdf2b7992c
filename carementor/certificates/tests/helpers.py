"""Explicit test data: a finished mentorship written as rows (like the demo), rules, certificates."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from carementor.certificates.models import CompletionRule
from carementor.mentorships.models import (
    Agreement,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    Phase,
)
from carementor.mentorships.tests.helpers import make_mentorship, make_program


def cpd_program(organization: Any, **extra: Any) -> Any:
    extra.setdefault("name", "Paediatric early-career mentoring")
    extra.setdefault("cpd_hours_mentee", Decimal("12.0"))
    extra.setdefault("cpd_hours_mentor", Decimal("8.5"))
    return make_program(organization, **extra)


def progress(
    mentorship: Mentorship,
    *,
    signed: bool = True,
    meetings: int = 0,
    goals: tuple[str, ...] = (),
    open_goals: tuple[str, ...] = (),
    closed: bool = False,
) -> Mentorship:
    now = timezone.now()
    started = now - timedelta(days=200)
    if signed:
        Agreement.objects.filter(mentorship=mentorship).update(effective_at=started)
        mentorship.phase = Phase.ACTIVE
        mentorship.activated_at = started
    for n in range(meetings):
        Meeting.objects.create(
            mentorship=mentorship,
            starts_at=started + timedelta(days=30 * (n + 1)),
            status=MeetingStatus.HELD,
        )
    for title in goals:
        Goal.objects.create(mentorship=mentorship, title=title, status=GoalStatus.ACHIEVED)
    for title in open_goals:
        Goal.objects.create(mentorship=mentorship, title=title, status=GoalStatus.OPEN)
    if closed:
        mentorship.phase = Phase.CLOSED
        mentorship.closed_at = now - timedelta(days=2)
        mentorship.outcome = "achieved"
    mentorship.save()
    return mentorship


def finished_mentorship(program: Any, mentor: Any, mentee: Any) -> Mentorship:
    """Signed, three meetings held, two goals achieved, closed."""
    return progress(
        make_mentorship(program, mentor, mentee),
        meetings=3,
        goals=("Present a case", "Apply for the fellowship"),
        closed=True,
    )


def rule(program: Any, role: str = "mentee", **values: Any) -> CompletionRule:
    values.setdefault("agreement_signed", True)
    values.setdefault("mentorship_ended", True)
    return CompletionRule.objects.create(program=program, role=role, **values)
