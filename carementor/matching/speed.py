"""Speed-mentoring events: schedule the rotation, collect interest, turn mutual interest into
mentorships.

Mentors keep one table all event long and mentees move; the engine's `speed_rounds` picks
who meets whom (as many meetings as possible, then the best fit, nobody twice). Afterwards
each side lists whom they would like to continue with, best first; the coordinator's
conclusion runs stable matching on those lists, so only mutual choices can be paired, and
creates the mentorships under the same capacity lock as an accepted request.
"""

import datetime
from typing import Any

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Prefs, Scorer, speed_rounds, stable_match
from carementor.matching.mentorships_bridge import create_mentorship
from carementor.matching.models import SpeedEvent, SpeedInterest, SpeedMeeting
from carementor.matching.services import MatchError, lock_seats, seat_take
from carementor.matching.suggestions import mentor_enrollments
from carementor.programs.models import Program
from carementor.programs.notify import tell

RUNNABLE = (Program.Status.DRAFT, Program.Status.PUBLISHED)


def participants(program: Program) -> tuple[list[User], list[User]]:
    """Mentors (matchable, with a free place) and approved mentees, in a stable order."""
    mentor_ids = set(mentor_enrollments(program).values_list("user_id", flat=True))
    mentee_ids = set(program.enrollments.approved().mentees().values_list("user_id", flat=True))
    users = {
        u.pk: u
        for u in adapter.users_with_profiles(User.objects.filter(pk__in=mentor_ids | mentee_ids))
    }
    return (
        [users[pk] for pk in sorted(mentor_ids) if pk in users],
        [users[pk] for pk in sorted(mentee_ids) if pk in users],
    )


def _validate(title: str, starts_at: Any, round_minutes: int, rounds: int) -> None:
    if not title.strip():
        raise MatchError(_("Give the event a title."), "title")
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        raise MatchError(_("Give a start date and time."), "starts_at")
    if not 1 <= rounds <= 30:
        raise MatchError(_("Between 1 and 30 rounds."), "rounds")
    if not 2 <= round_minutes <= 120:
        raise MatchError(_("Rounds last between 2 and 120 minutes."), "round_minutes")


@transaction.atomic
def event_create(
    *,
    program: Program,
    actor: "User | None",
    title: str,
    starts_at: datetime.datetime,
    round_minutes: int,
    rounds: int,
    location: str = "",
    request: Any = None,
) -> SpeedEvent:
    _validate(title, starts_at, round_minutes, rounds)
    if program.status not in RUNNABLE:
        raise MatchError(_("This programme is closed."), "closed", 409)
    event = SpeedEvent.objects.create(
        program=program,
        title=title.strip()[:200],
        starts_at=starts_at,
        round_minutes=round_minutes,
        rounds=rounds,
        location=location.strip()[:200],
        created_by=actor,
    )
    count = _schedule(event)
    record(
        actor,
        "speed_event.created",
        event,
        organization=program.organization,
        request=request,
        detail={"rounds": rounds, "meetings": count},
    )
    return event


@transaction.atomic
def event_schedule(*, event: SpeedEvent, actor: "User", request: Any = None) -> int:
    """Recompute the rotation from today's participants (before the event starts)."""
    event = SpeedEvent.objects.select_for_update().select_related("program").get(pk=event.pk)
    if event.status != SpeedEvent.Status.SCHEDULED or event.has_started:
        raise MatchError(_("The rotation is fixed once the event has started."), "started", 409)
    count = _schedule(event)
    record(
        actor,
        "speed_event.scheduled",
        event,
        organization=event.program.organization,
        request=request,
        detail={"meetings": count},
    )
    return count


def _schedule(event: SpeedEvent) -> int:
    mentors, mentees = participants(event.program)
    event.meetings.all().delete()
    if not mentors or not mentees:
        return 0
    # Capacity does not limit who may *meet*: every mentor can sit every round.
    a, b = adapter.populations(
        [adapter.person(u) for u in mentees],
        [adapter.person(u, capacity=event.rounds) for u in mentors],
    )
    scores = Scorer(a, b, adapter.program_settings(event.program)).block(np.arange(len(mentees)))
    rotation = speed_rounds(np.ascontiguousarray(scores.T), event.rounds)
    meetings = [
        SpeedMeeting(
            event=event,
            round=number,
            table=m + 1,
            mentor=mentors[m],
            mentee=mentees[e],
            score=float(scores[e, m]),
        )
        for number, pairs in enumerate(rotation.rounds, start=1)
        for m, e in pairs
    ]
    SpeedMeeting.objects.bulk_create(meetings)
    return len(meetings)


@transaction.atomic
def interest_set(*, event: SpeedEvent, chooser: Any, chosen: list[Any]) -> list[SpeedInterest]:
    """Replace the chooser's list of people to continue with (best first)."""
    if event.status != SpeedEvent.Status.SCHEDULED:
        raise MatchError(_("The coordinator has already made the matches."), "concluded", 409)
    if not event.has_started:
        raise MatchError(_("You can choose once the event has started."), "not_started", 409)
    met = set(event.meetings.filter(mentor=chooser).values_list("mentee_id", flat=True)) | set(
        event.meetings.filter(mentee=chooser).values_list("mentor_id", flat=True)
    )
    if not met:
        raise MatchError(_("You had no meetings at this event."), "not_participant", 403)
    if len(chosen) > len(met) or any(u.pk not in met for u in chosen):
        raise MatchError(_("You can only choose people you met."), "not_met")
    if len({u.pk for u in chosen}) != len(chosen):
        raise MatchError(_("Choose each person once."), "duplicate")
    SpeedInterest.objects.filter(event=event, chooser=chooser).delete()
    return SpeedInterest.objects.bulk_create(
        SpeedInterest(event=event, chooser=chooser, chosen=u, rank=i)
        for i, u in enumerate(chosen, start=1)
    )


@transaction.atomic
def event_conclude(*, event: SpeedEvent, actor: "User", request: Any = None) -> list[Any]:
    """Pair mutual choices by stable matching and create their mentorships, all or none."""
    event = SpeedEvent.objects.select_for_update().select_related("program").get(pk=event.pk)
    program = event.program
    if event.status != SpeedEvent.Status.SCHEDULED:
        raise MatchError(_("Matches have already been made for this event."), "concluded", 409)
    if not event.has_started:
        raise MatchError(_("The event has not taken place yet."), "not_started", 409)
    meetings = list(event.meetings.all())
    mentor_ids = sorted({m.mentor_id for m in meetings})
    mentee_ids = sorted({m.mentee_id for m in meetings})
    m_row = {pk: i for i, pk in enumerate(mentor_ids)}
    e_row = {pk: i for i, pk in enumerate(mentee_ids)}
    mentee_lists: list[list[int]] = [[] for _ in mentee_ids]
    mentor_lists: list[list[int]] = [[] for _ in mentor_ids]
    for interest in event.interests.order_by("chooser_id", "rank"):
        if interest.chooser_id in e_row and interest.chosen_id in m_row:
            mentee_lists[e_row[interest.chooser_id]].append(m_row[interest.chosen_id])
        elif interest.chooser_id in m_row and interest.chosen_id in e_row:
            mentor_lists[m_row[interest.chooser_id]].append(e_row[interest.chosen_id])
    seats = lock_seats(program, mentor_ids)
    capacities = [seats[pk].free_seats if pk in seats else 0 for pk in mentor_ids]
    assignment = (
        stable_match(Prefs.from_lists(mentee_lists), Prefs.from_lists(mentor_lists), capacities)
        if meetings
        else np.zeros(0, dtype=np.int64)
    )
    users = User.objects.in_bulk([*mentor_ids, *mentee_ids])
    created = []
    for e, m in enumerate(assignment):
        if m < 0:
            continue
        mentor, mentee = users[mentor_ids[int(m)]], users[mentee_ids[e]]
        seat_take(
            seats[mentor.pk],
            mentor,
            _("%(name)s has no free places left.") % {"name": mentor.full_name or mentor.email},
        )
        created.append(
            create_mentorship(
                program=program,
                mentors=[mentor],
                mentees=[mentee],
                role=(program.roles or ["mentor"])[0],
                actor=actor,
                source="speed_event",
            )
        )
    event.status = SpeedEvent.Status.CONCLUDED
    event.concluded_at = timezone.now()
    event.save(update_fields=["status", "concluded_at"])
    record(
        actor,
        "speed_event.concluded",
        event,
        organization=program.organization,
        request=request,
        detail={"mentorships": len(created)},
    )
    paired = {pk for pair in created for pk in _party_ids(pair)}
    tell(
        [u for pk, u in users.items() if pk not in paired],
        "speed_event_concluded",
        lambda: (
            _("Matches from %(event)s are out; no mutual choice was found for you this time.")
            % {"event": event.title}
        ),
        url=reverse("programs:event_detail", args=[program.code, event.code]),
        actor=actor,
        organization=program.organization,
    )
    return created


def _party_ids(mentorship: Any) -> list[int]:
    if mentorship is None:
        return []
    return [p.user_id for p in mentorship.parties.all()]
