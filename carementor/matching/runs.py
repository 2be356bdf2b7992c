"""Coordinator matching: match runs, pair rules, proposal edits, publishing, manual pairs.

Small runs are computed inside the request; larger ones go to a background task
(`tasks.execute_match_run`) that writes its progress on the run's row. Publishing is checked
whole here and carried out in chunks by `publishing` (inline when small, else
`tasks.publish_match_run`), once, under the mentors' row locks.
"""

import logging
import os
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.matching import cohort_run, formats_run, publishing
from carementor.matching.mentorships_bridge import (
    already_together,
    create_mentorship,
    role_holdings,
)
from carementor.matching.models import MatchProposal, MatchRun, PairRule
from carementor.matching.services import MatchError
from carementor.matching.suggestions import explain_pair, mentor_enrollments
from carementor.programs.models import Enrollment, Program

if TYPE_CHECKING:
    from carementor.accounts.models import User

log = logging.getLogger(__name__)

# mentees x mentors up to which a run is computed in the request (the production smoke sets 0
# to send every run through the task queue).
INLINE_PAIRS = int(os.environ.get("CAREMENTOR_INLINE_RUN_PAIRS") or 40_000)
INLINE_PUBLISH = 200  # proposals up to which a run is published in the request
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
    *,
    program: Program,
    actor: "User | None",
    mode: str,
    maximize_matched: bool = False,
    request: Any = None,
) -> MatchRun:
    """Start a run (discarding earlier drafts); compute it now if small, else in the background."""
    if mode not in MatchRun.Mode.values:
        raise MatchError(_("Choose stable or optimal matching."), "mode", 422)
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)  # one start at a time
        if locked.status not in RUNNABLE:
            raise MatchError(_("This programme is closed."), "closed", 409)
        busy = MatchRun.Status.QUEUED, MatchRun.Status.RUNNING, MatchRun.Status.PUBLISHING
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


def run_execute(run_id: int, resume: bool = False) -> None:
    """Compute a queued run. Safe to call twice: only a queued run is picked up, or, when the
    queue retries a task whose worker died (``resume``), the run that worker left running.
    The result is written in one transaction, so a resumed run never doubles its proposals."""
    claimable = [MatchRun.Status.QUEUED, *([MatchRun.Status.RUNNING] if resume else [])]
    claimed = MatchRun.objects.filter(pk=run_id, status__in=claimable).update(
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


def run_publish(*, run: MatchRun, actor: "User", request: Any = None) -> MatchRun:
    """Publish a draft run: refuse it whole if a proposal no longer fits, else move it to
    publishing and create its mentorships (now when small, else in the background).

    Publishing again while it is publishing resumes it (after a crashed worker); the chunks
    skip what is done, so nothing is created twice."""
    with transaction.atomic():
        run = (
            MatchRun.objects.select_for_update()
            .select_related("program__organization")
            .get(pk=run.pk)
        )
        if run.status != MatchRun.Status.PUBLISHING:
            if run.status != MatchRun.Status.DRAFT:
                raise MatchError(_("Only a draft run can be changed or published."), "status", 409)
            total = run.proposals.count()
            if not total:
                raise MatchError(_("This run has no proposals to publish."), "empty", 409)
            publishing.check_all(run)
            run.status = MatchRun.Status.PUBLISHING
            run.published_by = actor if getattr(actor, "is_authenticated", False) else None
            run.progress_done, run.progress_total, run.error = 0, total, ""
            run.save(
                update_fields=[
                    "status",
                    "published_by",
                    "progress_done",
                    "progress_total",
                    "error",
                ]
            )
            record(
                actor,
                "match_run.publishing",
                run,
                organization=run.program.organization,
                request=request,
                detail={"proposals": total},
            )
        if run.progress_total > INLINE_PUBLISH:
            from carementor.matching.tasks import publish_match_run

            transaction.on_commit(lambda: publish_match_run.enqueue(run.pk))
            return run
    publishing.publish_execute(run.pk)
    run.refresh_from_db()
    return run


@transaction.atomic
def proposal_swap(*, run: MatchRun, mentee: "User", mentor: "User", actor: "User") -> MatchProposal:
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
    if kind == "pairs" and already_together(program, mentee, mentor):
        raise MatchError(_("These two are already paired here."), "together", 409)
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


def _participant(program: Program, user: "User", *, mentor: bool) -> bool:
    qs = program.enrollments.approved().filter(user=user)
    return (qs.mentors() if mentor else qs.mentees()).exists()


def _set_rule(
    *, program: Program, mentee: "User", mentor: "User", kind: str, actor: "User"
) -> PairRule:
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
    *,
    program: Program,
    mentee: "User",
    mentor: "User",
    kind: str,
    actor: "User",
    request: Any = None,
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


def _refuse_beyond_role_limit(program: Program, mentee: Any, mentor: Any, role: str) -> None:
    """A mentee gets another ``role`` relationship only below the programme's limit for it
    (``Program.role_limits``), and never a second one with the same mentor."""
    from carementor.profiles.roles import limit_for

    limit = limit_for(program, role)
    if role_holdings(program, [mentee.pk], role).get(mentee.pk, 0) >= limit:
        message = (
            _("This mentee already has a mentor here.")
            if limit == 1
            else _(
                "This mentee already holds as many relationships of this kind as the "
                "programme allows at once."
            )
        )
        raise MatchError(message, "already_matched", 409)
    if already_together(program, mentee, mentor):
        raise MatchError(_("These two are already paired here."), "together", 409)


@transaction.atomic
def pair_create(
    *,
    program: Program,
    mentee: "User",
    mentor: "User",
    actor: "User",
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
    _refuse_beyond_role_limit(program, mentee, mentor, role)
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
