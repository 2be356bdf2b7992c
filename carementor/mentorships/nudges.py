"""Daily reminders and nudges. Each is keyed so that running twice sends nothing twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from carementor.mentorships.models import Meeting, MeetingStatus, Mentorship, Nudge, Phase
from carementor.notifications.services import notify

REMINDER_HOURS = 24


@dataclass
class NudgeReport:
    reminders: int = 0
    nudges: int = 0


def send_meeting_reminders(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Remind every party of meetings starting in the next 24 hours, once per start time."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=REMINDER_HOURS),
        )
        .exclude(reminded_for=models.F("starts_at"))
        .select_related("mentorship__program", "mentorship__organization")
        .prefetch_related("mentorship__parties__user")
    )
    sent = 0
    for meeting in due:
        if dry_run:
            sent += 1
            continue
        with transaction.atomic():
            claimed = (
                Meeting.objects.filter(
                    pk=meeting.pk, status=MeetingStatus.SCHEDULED, starts_at=meeting.starts_at
                )
                .exclude(reminded_for=meeting.starts_at)
                .update(reminded_for=meeting.starts_at)
            )
            if not claimed:
                continue
            notify(
                meeting.mentorship.party_users(),
                "meeting_reminder",
                target=meeting,
                context={"program": meeting.mentorship.program.name},
                organization=meeting.mentorship.organization,
            )
            sent += 1
    return sent


def send_cadence_nudges(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Nudge both sides of active relationships with no meeting for the program's cadence
    and none scheduled; at most once per cadence period."""
    now = now or timezone.now()
    upcoming = Meeting.objects.filter(
        mentorship=models.OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__gte=now
    )
    candidates = (
        Mentorship.objects.filter(phase=Phase.ACTIVE)
        .exclude(models.Exists(upcoming))
        .select_related("program", "organization")
        .prefetch_related("parties__user")
    )
    sent = 0
    for mentorship in candidates.iterator(chunk_size=500):
        anchor = mentorship.last_meeting_at or mentorship.activated_at
        cadence = max(mentorship.program.meeting_cadence_days, 1)
        if anchor is None or now - anchor <= timedelta(days=cadence):
            continue
        days = (now - anchor).days
        key = f"cadence:{mentorship.pk}:{anchor:%Y%m%d%H%M}:{days // cadence}"
        if dry_run:
            sent += not Nudge.objects.filter(key=key).exists()
            continue
        if _send_once(key, mentorship, days):
            sent += 1
    return sent


def _send_once(key: str, mentorship: Mentorship, days: int) -> bool:
    try:
        with transaction.atomic():
            Nudge.objects.create(key=key, mentorship=mentorship)
            notify(
                mentorship.party_users(),
                "mentorship_nudge",
                target=mentorship,
                context={"program": mentorship.program.name, "days": days},
                organization=mentorship.organization,
            )
    except IntegrityError:
        return False
    return True


def run(*, now: Any = None, dry_run: bool = False) -> NudgeReport:
    return NudgeReport(
        reminders=send_meeting_reminders(now=now, dry_run=dry_run),
        nudges=send_cadence_nudges(now=now, dry_run=dry_run),
    )
