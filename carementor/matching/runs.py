"""Coordinator matching: match runs, pair rules, proposal edits, publishing, manual pairs.

Small runs are computed inside the request; larger ones go to a background task
(`tasks.execute_match_run`) that writes its progress on the run's row. Publishing creates
every proposal's mentorship in one transaction under the mentors' row locks, so a failure
half-way leaves nothing published and capacity is never exceeded.
"""

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.matching import cohort_run, formats_run
from carementor.matching.mentorships_bridge import (
    create_mentorship,
    matched_mentee_ids,
    matched_user_ids,
)
from carementor.matching.models import MatchProposal, MatchRun, PairRule
from carementor.matching.services import MatchError, lock_seats, seat_take
from carementor.matching.suggestions import explain_pair, mentor_enrollments
from carementor.programs.models import Enrollment, Program
from carementor.programs.notify import tell

log = logging.getLogger(__name__)

INLINE_PAIRS = 40_000  # mentees x mentors up to which a run is computed in the request
RUNNABLE = (Program.Status.DRAFT, Program.Status.PUBLISHED)


def _role(program: Program) -> str:
    return (program.roles or ["mentor"])[0]


def _mentorship_errors() -> tuple[type[Exception], ...]:
    try:
        from carementor.mentorships.services import MentorshipError
    except ImportError:
        return ()
    return (MentorshipError,)


# --- Runs ---------------------------------------------------------------------------------


def run_start(
    *, program: Program, actor: Any, mode: str, maximize_matched: bool = False, request: Any = None
) -> MatchRun:
    """Start a run (discarding earlier drafts); compute it now if small, else in the background."""
    if mode not in MatchRun.Mode.values:
        raise MatchError(_("Choose stable or optimal matching."), "mode", 422)
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)  # one start at a time
        if locked.status not in RUNNABLE:
            raise MatchError(_("This programme is closed."), "closed", 409)
        busy = MatchRun.Status.QUEUED, MatchRun.Status.RUNNING
        if MatchRun.objects.filter(program=program, status__in=busy).exists():
            raise MatchError(_("A run is already in progress."), "busy", 409)
        MatchRun.objects.filter(program=program, status=MatchRun.Status.DRAFT).update(
            status=MatchRun.Status.DISCARDED
        )
        run = MatchRun.objects.create(
            program=program,
            mode=mode,
            maximize_matched=bool(maximize_matched) and mode == MatchRun.Mode.OPTIMAL,
            created_by=actor,
        )
        record(
            actor,
            "match_run.started",
            run,
            organization=program.organization,
            request=request,
            detail={"mode": run.mode, "maximize_matched": run.maximize_matched},
        )
    if formats_run.shape(program) == "peers":  # everyone may pair with everyone
        mentees = mentors = program.enrollments.approved().count()
    else:
        mentees = program.enrollments.approved().mentees().count()
        mentors = program.enrollments.approved().mentors().count()
    if mentees * mentors <= INLINE_PAIRS:
        run_execute(run.pk)
    else:
        from carementor.matching.tasks import execute_match_run

        transaction.on_commit(lambda: execute_match_run.enqueue(run.pk))
    run.refresh_from_db()
    return run


def run_execute(run_id: int) -> None:
    """Compute a queued run. Safe to call twice: only a queued run is picked up."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING
    )
    if not claimed:
        return
    run = MatchRun.objects.select_related("program__organization").get(pk=run_id)
    try:
        cohort_run.compute(run)
    except Exception as exc:  # a background job must leave the row in a final state
        log.exception("match run %s failed", run.code)
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        return
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.DRAFT, finished_at=timezone.now()
    )


def _locked_draft(run: MatchRun) -> MatchRun:
    run = (
        MatchRun.objects.select_for_update().select_related("program__organization").get(pk=run.pk)
    )
    if run.status != MatchRun.Status.DRAFT:
        raise MatchError(_("Only a draft run can be changed or published."), "status", 409)
    return run


@transaction.atomic
def run_publish(*, run: MatchRun, actor: Any, request: Any = None) -> MatchRun:
    """Create every proposal's mentorship, or none of them."""
    run = _locked_draft(run)
    program = run.program
    proposals = list(run.proposals.select_related("mentee", "mentor").order_by("pk"))
    if not proposals:
        raise MatchError(_("This run has no proposals to publish."), "empty", 409)
    kind = formats_run.shape(program)
    if kind == "circles":
        created = _publish_circles(program, proposals, actor)
    elif kind == "peers":
        created = _publish_peers(program, proposals, actor)
    elif kind == "families":
        created = _publish_families(program, proposals, actor)
    else:
        created = _publish_pairs(program, proposals, actor)
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    record(
        actor,
        "match_run.published",
        run,
        organization=program.organization,
        request=request,
        detail={"mentorships": created, "unmatched": len(run.unmatched)},
    )
    from carementor.accounts.models import User

    left_out = User.objects.filter(code__in=[row["user"] for row in run.unmatched])
    tell(
        left_out,
        "match_run_unmatched",
        lambda: (
            _("Matches in %(program)s are out; the coordinator will be in touch about yours.")
            % {"program": program.name}
        ),
        url=reverse("programs:detail", args=[program.code]),
        actor=actor,
        organization=program.organization,
    )
    return run


def _stale(user: Any) -> MatchError:
    return MatchError(
        _("%(name)s already has a mentor in this programme; re-run to refresh.")
        % {"name": user.full_name or user.email},
        "stale",
        409,
    )


def _take(seats: dict[int, Enrollment], mentor: Any) -> None:
    seat = seats.get(mentor.pk)
    if seat is None or seat.status != Enrollment.Status.APPROVED:
        raise MatchError(
            _("%(name)s no longer mentors in this programme; edit the proposal or re-run.")
            % {"name": mentor.full_name or mentor.email},
            "not_enrolled",
            409,
        )
    seat_take(
        seat,
        mentor,
        _("%(name)s has no free places left; edit the proposals or re-run.")
        % {"name": mentor.full_name or mentor.email},
    )


def _create(
    program: Program, mentors: list[Any], mentees: list[Any], role: str, actor: Any
) -> None:
    try:
        create_mentorship(
            program=program,
            mentors=mentors,
            mentees=mentees,
            role=role,
            actor=actor,
            source="match_run",
        )
    except _mentorship_errors() as exc:
        raise MatchError(str(getattr(exc, "message", exc)), "invalid", 409) from exc


def _publish_pairs(program: Program, proposals: list[MatchProposal], actor: Any) -> int:
    seats = lock_seats(program, [p.mentor_id for p in proposals])
    already = matched_mentee_ids(program)
    for proposal in proposals:
        if proposal.mentee_id in already and program.format != "network":
            raise _stale(proposal.mentee)
        _take(seats, proposal.mentor)
        _create(program, [proposal.mentor], [proposal.mentee], _role(program), actor)
    return len(proposals)


def _publish_circles(program: Program, proposals: list[MatchProposal], actor: Any) -> int:
    """One mentorship per circle; a circle takes one of its leader's places."""
    seats = lock_seats(program, [p.mentor_id for p in proposals])
    already = matched_mentee_ids(program)
    circles: dict[int, list[MatchProposal]] = {}
    for proposal in proposals:
        if proposal.mentee_id in already:
            raise _stale(proposal.mentee)
        circles.setdefault(proposal.mentor_id, []).append(proposal)
    for members in circles.values():
        leader = members[0].mentor
        _take(seats, leader)
        _create(program, [leader], [p.mentee for p in members], _role(program), actor)
    return len(circles)


def _publish_families(program: Program, proposals: list[MatchProposal], actor: Any) -> int:
    """One mentorship per family: its faculty member and resident as mentors, its students as
    mentees. A resident without students becomes the faculty member's mentee instead."""
    people = {p.mentor_id for p in proposals} | {p.mentee_id for p in proposals}
    seats = lock_seats(program, people)
    already = matched_user_ids(program)
    residents = formats_run.resident_ids(program, people)
    faculty_of: dict[int, Any] = {}
    students_of: dict[int, list[Any]] = {}
    resident_users: dict[int, Any] = {}
    for proposal in proposals:
        if proposal.mentee_id in already:
            raise _stale(proposal.mentee)
        if proposal.mentee_id in residents:
            faculty_of[proposal.mentee_id] = proposal.mentor
            resident_users[proposal.mentee_id] = proposal.mentee
        else:
            students_of.setdefault(proposal.mentor_id, []).append(proposal.mentee)
            resident_users[proposal.mentor_id] = proposal.mentor
    created = 0
    for resident_id in sorted(resident_users):
        resident, faculty = resident_users[resident_id], faculty_of.get(resident_id)
        if resident_id in already:
            raise _stale(resident)
        students = students_of.get(resident_id, [])
        if students:
            _take(seats, resident)
            if faculty is not None:
                _take(seats, faculty)
            mentors = [faculty, resident] if faculty is not None else [resident]
            _create(program, mentors, students, _role(program), actor)
        elif faculty is not None:
            _take(seats, faculty)
            _create(program, [faculty], [resident], _role(program), actor)
        created += 1
    return created


def _publish_peers(program: Program, proposals: list[MatchProposal], actor: Any) -> int:
    """Peers hold no mentor places; the lock on both enrolments keeps two publishers (or a
    publish and a request) from pairing the same person twice."""
    people = [p.mentor_id for p in proposals] + [p.mentee_id for p in proposals]
    seats = lock_seats(program, people)
    already = matched_user_ids(program)
    for proposal in proposals:
        for user in (proposal.mentor, proposal.mentee):
            if user.pk in already:
                raise _stale(user)
            seat = seats.get(user.pk)
            if seat is None or seat.status != Enrollment.Status.APPROVED:
                raise MatchError(
                    _("%(name)s no longer takes part in this programme; re-run.")
                    % {"name": user.full_name or user.email},
                    "not_enrolled",
                    409,
                )
        _create(program, [proposal.mentor], [proposal.mentee], "peer", actor)
    return len(proposals)


@transaction.atomic
def proposal_swap(*, run: MatchRun, mentee: Any, mentor: Any, actor: Any) -> MatchProposal:
    """Give a mentee another mentor in a draft run; the new pair is locked for re-runs."""
    run = _locked_draft(run)
    program = run.program
    kind = formats_run.shape(program)
    if kind == "peers":
        raise MatchError(_("Peer pairs cannot be edited; forbid a pair and re-run."), "peer", 409)
    seat = mentor_enrollments(program).filter(user=mentor).first()
    if seat is None or mentor.pk == mentee.pk:
        raise MatchError(_("This mentor cannot be matched in this programme."), "unavailable")
    if PairRule.objects.filter(
        program=program, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    ).exists():
        raise MatchError(_("You have forbidden this pair."), "forbidden_pair", 409)
    proposal = run.proposals.filter(mentee=mentee).first()
    in_pool = proposal is not None or any(row["user"] == mentee.code for row in run.unmatched)
    if not in_pool:
        raise MatchError(_("This mentee is not part of the run."), "not_in_run")
    others = run.proposals.filter(mentor=mentor).exclude(mentee=mentee).count()
    room = max(program.circle_size, 1) if kind == "circles" else seat.free_seats
    if kind == "families":
        residents = formats_run.resident_ids(program, [mentee.pk, mentor.pk])
        if (mentee.pk in residents) == (mentor.pk in residents):
            raise MatchError(
                _("In a family, residents go with faculty and students go with residents."),
                "wrong_tier",
            )
        if mentor.pk in residents:
            room = max(program.circle_size, 1)
    if others >= room:
        raise MatchError(_("This mentor's free places are all taken in this run."), "full", 409)
    score, reasons = explain_pair(program, mentee, mentor)
    if proposal is None:
        proposal = MatchProposal(run=run, mentee=mentee)
        run.unmatched = [row for row in run.unmatched if row["user"] != mentee.code]
        run.save(update_fields=["unmatched"])
    previous = proposal.mentor.code if proposal.mentor_id else ""
    proposal.mentor = mentor
    proposal.score, proposal.reasons, proposal.locked = score, reasons, True
    proposal.save()
    _set_rule(program=program, mentee=mentee, mentor=mentor, kind=PairRule.Kind.LOCK, actor=actor)
    record(
        actor,
        "match_proposal.edited",
        run,
        organization=program.organization,
        detail={"mentee": mentee.code, "from": previous, "to": mentor.code},
    )
    return proposal


# --- Pair rules -----------------------------------------------------------------------------


def _participant(program: Program, user: Any, *, mentor: bool) -> bool:
    qs = program.enrollments.approved().filter(user=user)
    return (qs.mentors() if mentor else qs.mentees()).exists()


def _set_rule(*, program: Program, mentee: Any, mentor: Any, kind: str, actor: Any) -> PairRule:
    if kind == PairRule.Kind.LOCK:
        # One locked mentor per mentee: a new lock replaces the old one.
        PairRule.objects.filter(program=program, mentee=mentee, kind=PairRule.Kind.LOCK).exclude(
            mentor=mentor
        ).delete()
    rule, _created = PairRule.objects.update_or_create(
        program=program, mentee=mentee, mentor=mentor, defaults={"kind": kind, "created_by": actor}
    )
    return rule


@transaction.atomic
def pair_rule_set(
    *, program: Program, mentee: Any, mentor: Any, kind: str, actor: Any, request: Any = None
) -> PairRule | None:
    """Lock or forbid a pair for every later run; an empty kind clears the rule."""
    if kind not in ("", *PairRule.Kind.values):
        raise MatchError(_("Choose lock or forbid."), "kind")
    if mentee.pk == mentor.pk:
        raise MatchError(_("Choose two different people."), "same_person")
    if not _participant(program, mentee, mentor=False) or not _participant(
        program, mentor, mentor=True
    ):
        raise MatchError(_("Both people must be approved participants."), "not_enrolled")
    if kind == "":
        deleted, _rows = PairRule.objects.filter(
            program=program, mentee=mentee, mentor=mentor
        ).delete()
        if deleted:
            record(
                actor,
                "pair_rule.cleared",
                program,
                organization=program.organization,
                request=request,
                detail={"mentee": mentee.code, "mentor": mentor.code},
            )
        return None
    if kind == PairRule.Kind.LOCK:
        seat = Enrollment.objects.select_for_update().get(program=program, user=mentor)
        locks = (
            PairRule.objects.filter(program=program, mentor=mentor, kind=PairRule.Kind.LOCK)
            .exclude(mentee=mentee)
            .count()
        )
        room = seat.free_seats
        if formats_run.shape(program) == "circles":
            room = max(program.circle_size, 1) if seat.free_seats else 0
        if locks >= room:
            raise MatchError(
                _("This mentor has no free place left for another locked pair."), "full", 409
            )
    rule = _set_rule(program=program, mentee=mentee, mentor=mentor, kind=kind, actor=actor)
    record(
        actor,
        "pair_rule.locked" if kind == PairRule.Kind.LOCK else "pair_rule.forbidden",
        program,
        organization=program.organization,
        request=request,
        detail={"mentee": mentee.code, "mentor": mentor.code},
    )
    return rule


# --- Manual pairing -------------------------------------------------------------------------


@transaction.atomic
def pair_create(
    *,
    program: Program,
    mentee: Any,
    mentor: Any,
    actor: Any,
    role: str = "",
    request: Any = None,
) -> Any:
    """A coordinator pairs two participants directly (same capacity lock as an accept)."""
    role = role or _role(program)
    if role not in (program.roles or ["mentor"]):
        raise MatchError(_("This programme does not offer that kind of relationship."), "role")
    if program.status not in RUNNABLE:
        raise MatchError(_("This programme is closed."), "closed", 409)
    if mentee.pk == mentor.pk:
        raise MatchError(_("Choose two different people."), "same_person")
    if not _participant(program, mentee, mentor=False):
        raise MatchError(_("The mentee is not an approved participant."), "not_enrolled")
    if not mentor_enrollments(program).filter(user=mentor).exists():
        raise MatchError(
            _("This mentor cannot be matched: not verified, paused or without free places."),
            "unavailable",
            409,
        )
    if PairRule.objects.filter(
        program=program, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    ).exists():
        raise MatchError(_("You have forbidden this pair."), "forbidden_pair", 409)
    if program.format != "network" and mentee.pk in matched_mentee_ids(program):
        raise MatchError(_("This mentee already has a mentor here."), "already_matched", 409)
    try:
        # A coordinator's mentorship takes the mentor's place under its lock (mentorships).
        mentorship = create_mentorship(
            program=program,
            mentors=[mentor],
            mentees=[mentee],
            role=role,
            actor=actor,
            source="coordinator",
        )
    except _mentorship_errors() as exc:
        code = getattr(exc, "code", "invalid")
        raise MatchError(str(getattr(exc, "message", exc)), code, 409) from exc
    record(
        actor,
        "match.paired",
        program,
        organization=program.organization,
        request=request,
        detail={"mentee": mentee.code, "mentor": mentor.code, "role": role},
    )
    return mentorship
