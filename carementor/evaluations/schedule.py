"""Running a programme's evaluation schedule: which surveys are due, creating them exactly
once, reminding once, and closing them after their deadline.

A survey is created only inside its answering window (opened and not yet due), so a schedule
added late never floods people with stale surveys, and every run is idempotent: the unique
constraints on ``SurveyAssignment`` make a second creation impossible, and we skip the keys
that exist before trying.
"""

import calendar
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from carementor.audit.services import record
from carementor.evaluations.models import (
    Occasion,
    Role,
    ScheduleEntry,
    SurveyAssignment,
)
from carementor.mentorships.models import (
    ENDED_PHASES,
    Meeting,
    MeetingStatus,
    Mentorship,
    PartyRole,
    Phase,
)
from carementor.notifications.services import notify
from carementor.profiles.roles import role_definition

logger = logging.getLogger(__name__)

# Without a planned end, the midpoint survey comes this long after activation.
DEFAULT_MIDPOINT = timedelta(days=90)


def add_months(when: datetime, months: int) -> datetime:
    month = when.month - 1 + months
    year = when.year + month // 12
    month = month % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def midpoint_of(mentorship: Mentorship) -> datetime | None:
    start = mentorship.activated_at
    if start is None:
        return None
    end_day = mentorship.ends_on or mentorship.program.ends_on
    if end_day is not None:
        end = _day_start(end_day)
        if end > start:
            return start + (end - start) / 2
    return start + DEFAULT_MIDPOINT


def opening_for(entry: ScheduleEntry, mentorship: Mentorship) -> datetime | None:
    """When a mentorship-level survey opens, or None if it never does."""
    if entry.occasion == Occasion.BASELINE:
        return mentorship.activated_at
    if entry.occasion == Occasion.MIDPOINT:
        if mentorship.phase not in (Phase.ACTIVE, Phase.CLOSING):
            return None
        return midpoint_of(mentorship)
    if mentorship.activated_at is None or mentorship.phase not in ENDED_PHASES:
        # A relationship that never started has nothing to evaluate at its end.
        return None
    if entry.occasion == Occasion.CLOSURE:
        return mentorship.closed_at
    if entry.occasion == Occasion.FOLLOW_UP and mentorship.closed_at is not None:
        return add_months(mentorship.closed_at, entry.months_after)
    return None


@dataclass(frozen=True)
class Due:
    entry: ScheduleEntry
    mentorship: Mentorship
    user: Any
    opens_at: datetime
    meeting: Meeting | None = None
    subject: Any = None

    @property
    def key(self) -> tuple[Any, ...]:
        return (
            self.entry.instrument_id,
            self.entry.occasion,
            self.entry.months_after,
            self.mentorship.pk,
            self.meeting.pk if self.meeting else None,
            self.user.pk,
            self.subject.pk if self.subject else None,
        )


def applies(entry: ScheduleEntry, mentorship: Mentorship) -> bool:
    """Whether the relationship's role takes surveys on this occasion (a sponsorship has no
    after-meeting pulse, an advising relationship no midpoint; see `profiles.roles`)."""
    return entry.occasion in role_definition(mentorship.role).survey_occasions


def _people(entry: ScheduleEntry, mentorship: Mentorship) -> list[tuple[Any, Any]]:
    """(respondent, subject) pairs: mentees rating their mentor get one survey per mentor."""
    role = PartyRole.MENTEE if entry.role == Role.MENTEE else PartyRole.MENTOR
    people = [p.user for p in mentorship.parties.all() if p.role == role and p.user.is_active]
    if entry.instrument.rates_mentor:
        return [(person, mentor) for person in people for mentor in mentorship.mentors()]
    return [(person, None) for person in people]


def due_surveys(
    now: datetime,
    *,
    programs: Iterable[Any] | None = None,
    mentorships: Iterable[Mentorship] | None = None,
    meetings: Iterable[Meeting] | None = None,
) -> list[Due]:
    """Every survey whose window contains ``now``, for the given scope (default: everything)."""
    entries = ScheduleEntry.objects.select_related("instrument", "program").filter(
        instrument__is_active=True
    )
    if programs is not None:
        entries = entries.filter(program__in=list(programs))
    mentorship_ids = [m.pk for m in mentorships] if mentorships is not None else None
    meeting_ids = [m.pk for m in meetings] if meetings is not None else None
    if mentorship_ids is not None:
        entries = entries.filter(program__mentorships__in=mentorship_ids).distinct()
    by_program: dict[int, list[ScheduleEntry]] = {}
    for entry in entries:
        by_program.setdefault(entry.program_id, []).append(entry)
    if not by_program:
        return []
    due: list[Due] = []
    longest = max(e.open_days for es in by_program.values() for e in es)
    plain = [e for es in by_program.values() for e in es if e.occasion != Occasion.PULSE]
    if plain and meeting_ids is None:
        # Only relationships that can have a survey in its window now: open ones, and those
        # closed recently enough for a closure or follow-up survey to be answerable.
        months = max((e.months_after for e in plain), default=0)
        recent = now - timedelta(days=longest + 31 * months + 1)
        rows = (
            Mentorship.objects.filter(program__in=list(by_program), activated_at__isnull=False)
            .filter(Q(phase__in=[Phase.ACTIVE, Phase.CLOSING]) | Q(closed_at__gte=recent))
            .select_related("program")
            .prefetch_related("parties__user")
        )
        if mentorship_ids is not None:
            rows = rows.filter(pk__in=mentorship_ids)
        for mentorship in rows:
            for entry in by_program[mentorship.program_id]:
                if entry.occasion == Occasion.PULSE or not applies(entry, mentorship):
                    continue
                opens = opening_for(entry, mentorship)
                if opens is None or not opens <= now < opens + timedelta(days=entry.open_days):
                    continue
                for person, subject in _people(entry, mentorship):
                    due.append(Due(entry, mentorship, person, opens, subject=subject))
    pulses = [e for es in by_program.values() for e in es if e.occasion == Occasion.PULSE]
    if pulses:
        held = (
            Meeting.objects.filter(
                mentorship__program__in=list(by_program),
                status=MeetingStatus.HELD,
                starts_at__gt=now - timedelta(days=longest + 1),
                starts_at__lte=now,
            )
            .select_related("mentorship__program")
            .prefetch_related("mentorship__parties__user", "attendance")
        )
        if meeting_ids is not None:
            held = held.filter(pk__in=meeting_ids)
        elif mentorship_ids is not None:
            held = held.filter(mentorship__in=mentorship_ids)
        for meeting in held:
            mentorship = meeting.mentorship
            present = {a.user_id for a in meeting.attendance.all() if a.present}
            for entry in by_program[mentorship.program_id]:
                if entry.occasion != Occasion.PULSE or not applies(entry, mentorship):
                    continue
                opens = min(meeting.ends_at, now)
                if not now < opens + timedelta(days=entry.open_days):
                    continue
                for person, subject in _people(entry, mentorship):
                    if present and person.pk not in present:
                        continue
                    due.append(
                        Due(entry, mentorship, person, opens, meeting=meeting, subject=subject)
                    )
    return due


def _existing_keys(candidates: list[Due]) -> set[tuple[Any, ...]]:
    if not candidates:
        return set()
    rows = SurveyAssignment.objects.filter(
        instrument__in={d.entry.instrument_id for d in candidates},
        user__in={d.user.pk for d in candidates},
        mentorship__in={d.mentorship.pk for d in candidates},
    ).values_list(
        "instrument_id", "occasion", "round", "mentorship_id", "meeting_id", "user_id", "subject_id"
    )
    return set(rows)


def create_due(now: datetime | None = None, **scope: Any) -> list[SurveyAssignment]:
    """Create the surveys that are due and not yet created; notify each person once."""
    now = now or timezone.now()
    candidates = due_surveys(now, **scope)
    existing = _existing_keys(candidates)
    created: list[SurveyAssignment] = []
    for due in candidates:
        if due.key in existing:
            continue
        existing.add(due.key)
        entry = due.entry
        try:
            with transaction.atomic():
                assignment = SurveyAssignment.objects.create(
                    program=entry.program,
                    instrument=entry.instrument,
                    schedule_entry=entry,
                    occasion=entry.occasion,
                    round=entry.months_after if entry.occasion == Occasion.FOLLOW_UP else 0,
                    mentorship=due.mentorship,
                    meeting=due.meeting,
                    user=due.user,
                    role=entry.role,
                    subject=due.subject,
                    opens_at=due.opens_at,
                    due_at=due.opens_at + timedelta(days=entry.open_days),
                )
                notify(
                    [due.user],
                    "survey_open",
                    target=assignment,
                    context=_context(assignment),
                    organization=entry.program.organization,
                )
        except IntegrityError:
            # Another run created it between our read and our write: exactly what we want.
            continue
        created.append(assignment)
    return created


def _context(assignment: SurveyAssignment) -> dict[str, Any]:
    return {
        "survey": assignment.instrument.name,
        "program": assignment.program.name,
        "due": assignment.due_at.isoformat(),
        "anonymous": assignment.instrument.is_anonymous,
    }


def remind_due(now: datetime | None = None) -> int:
    """Remind once, ``reminder_days`` after opening, those who have not answered."""
    now = now or timezone.now()
    count = 0
    candidates = (
        SurveyAssignment.objects.open()
        .filter(reminded_at__isnull=True, due_at__gt=now, has_responded__isnull=True)
        .filter(Q(schedule_entry__isnull=True) | Q(schedule_entry__reminder_days__gt=0))
        .select_related("schedule_entry", "instrument", "program__organization", "user")
    )
    for assignment in candidates:
        days = assignment.schedule_entry.reminder_days if assignment.schedule_entry else 7
        if assignment.opens_at + timedelta(days=days) > now:
            continue
        with transaction.atomic():
            updated = SurveyAssignment.objects.filter(
                pk=assignment.pk, reminded_at__isnull=True, status=SurveyAssignment.Status.OPEN
            ).update(reminded_at=now)
            if not updated:
                continue
            notify(
                [assignment.user],
                "survey_reminder",
                target=assignment,
                context=_context(assignment),
                organization=assignment.program.organization,
            )
        count += 1
    return count


def close_overdue(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return (
        SurveyAssignment.objects.open()
        .filter(due_at__lte=now)
        .update(status=SurveyAssignment.Status.CLOSED, closed_at=now)
    )


@dataclass(frozen=True)
class RunResult:
    created: int
    reminded: int
    closed: int


def run(now: datetime | None = None, *, dry_run: bool = False) -> RunResult:
    """One scheduled pass: close, create, remind. Safe to run any number of times."""
    now = now or timezone.now()
    if dry_run:
        due = due_surveys(now)
        existing = _existing_keys(due)
        fresh = {d.key for d in due} - existing
        return RunResult(created=len(fresh), reminded=0, closed=0)
    closed = close_overdue(now)
    created = create_due(now)
    reminded = remind_due(now)
    if created or reminded or closed:
        record(
            None,
            "evaluation.schedule_run",
            None,
            detail={"created": len(created), "reminded": reminded, "closed": closed},
        )
    return RunResult(created=len(created), reminded=reminded, closed=closed)


def on_mentorship_changed(mentorship_id: int) -> None:
    """Hook for the mentorships app, after commit: baseline at activation, closure at close."""
    try:
        mentorship = Mentorship.objects.get(pk=mentorship_id)
        create_due(mentorships=[mentorship])
    except Exception:
        # Never break the caller's request; the scheduled run catches up.
        logger.exception("Could not create surveys for mentorship %s", mentorship_id)


def on_meeting_held(meeting_id: int) -> None:
    """Hook for the mentorships app, after commit: the pulse after a held meeting."""
    try:
        meeting = Meeting.objects.get(pk=meeting_id)
        create_due(meetings=[meeting])
    except Exception:
        logger.exception("Could not create pulse surveys for meeting %s", meeting_id)
