"""Self-match requests: send, answer, accept under the mentor's lock, expire.

Capacity is never exceeded: acceptance locks the mentor's enrolment row, recounts their open
mentorships, refuses when full, and writes the new count to ``Enrollment.seats_taken`` whose
check constraint (``seats_taken <= capacity``) is the database's last word.
"""

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.lib.errors import DomainError
from carementor.matching.mentorships_bridge import (
    create_mentorship,
    open_mentorships,
    role_limit_refusal,
)
from carementor.matching.models import MatchRequest, SuggestionMark
from carementor.matching.suggestions import explain_pair, mentor_enrollments
from carementor.programs.models import Enrollment, MatchingMode, Program
from carementor.programs.notify import tell

if TYPE_CHECKING:
    from carementor.accounts.models import User


class MatchError(DomainError):
    def __init__(self, message: str, code: str = "invalid", status: int = 422) -> None:
        super().__init__(message, status=status, code=code)


def _url(match_request: MatchRequest) -> str:
    return reverse("programs:request_detail", args=[match_request.code])


def mark_set(*, program: Program, mentee: "User", mentor: "User", kind: str) -> None:
    """Bookmark or dismiss a suggested mentor; an empty kind clears the mark."""
    if kind == "":
        SuggestionMark.objects.filter(program=program, mentee=mentee, mentor=mentor).delete()
        return
    if kind not in SuggestionMark.Kind.values:
        raise MatchError(_("Unknown mark."), "invalid")
    SuggestionMark.objects.update_or_create(
        program=program, mentee=mentee, mentor=mentor, defaults={"kind": kind}
    )


@transaction.atomic
def request_send(
    *, program: Program, mentee: "User", mentor: "User", note: str, role: str = "mentor"
) -> MatchRequest:
    # Lock the mentee's enrolment so two tabs cannot both slip under the open-request limit.
    mine = (
        Enrollment.objects.select_for_update()
        .filter(program=program, user=mentee, status=Enrollment.Status.APPROVED)
        .first()
    )
    if mine is None or not mine.is_mentee:
        raise MatchError(
            _("Only approved mentees of this programme can send requests."), "not_enrolled", 403
        )
    if program.status != Program.Status.PUBLISHED:
        raise MatchError(_("This programme is not running now."), "closed", 409)
    if program.matching_mode == MatchingMode.COORDINATOR:
        raise MatchError(
            _("In this programme the coordinator makes the matches."), "coordinator_mode", 409
        )
    if role not in (program.roles or ["mentor"]) and role != "mentor":
        raise MatchError(_("This programme does not offer that kind of relationship."), "role")
    refusal = role_limit_refusal(program, mentee, role)
    if refusal:
        raise MatchError(refusal, "role_limit", 409)
    note = note.strip()
    if not note:
        raise MatchError(_("Write a short note so the mentor knows why you are asking."), "note")
    if not mentor_enrollments(program).filter(user=mentor).exists() or mentor.pk == mentee.pk:
        raise MatchError(_("This mentor is not available in this programme."), "unavailable", 409)
    open_count = MatchRequest.objects.open().filter(program=program, mentee=mentee).count()
    if open_count >= program.max_open_requests:
        raise MatchError(
            _("You already have %(n)d open requests, the most this programme allows.")
            % {"n": open_count},
            "limit",
            409,
        )
    score, reasons = explain_pair(program, mentee, mentor)
    try:
        with transaction.atomic():
            match_request = MatchRequest.objects.create(
                program=program,
                mentee=mentee,
                mentor=mentor,
                role=role,
                note=note[:2000],
                score=score,
                reasons=reasons,
                expires_at=timezone.now() + timedelta(days=program.request_expiry_days),
            )
    except IntegrityError as exc:
        raise MatchError(_("You have already asked this mentor."), "duplicate", 409) from exc
    record(mentee, "match_request.sent", match_request, organization=program.organization)
    tell(
        [mentor],
        "match_request_received",
        lambda: (
            _("%(name)s asks you to be their mentor in %(program)s")
            % {"name": mentee.full_name or mentee.email, "program": program.name}
        ),
        target=match_request,
        url=_url(match_request),
        actor=mentee,
        organization=program.organization,
    )
    return match_request


def lock_seats(program: Program, mentor_ids: Iterable[int]) -> dict[int, Enrollment]:
    """Lock mentors' enrolment rows, always in primary-key order so two publishers (or a
    publisher and an accepting mentor) cannot deadlock."""
    rows = (
        Enrollment.objects.select_for_update()
        .filter(program=program, user_id__in=set(mentor_ids))
        .order_by("pk")
    )
    return {seat.user_id: seat for seat in rows}


def seat_take(seat: Enrollment, mentor: "User", full_message: str) -> None:
    """Take one place on a locked enrolment: recount the mentor's open mentorships, refuse
    when full, and write the count the check constraint guards."""
    taken = open_mentorships(seat.program, mentor, seat)
    if taken >= seat.capacity:
        raise MatchError(full_message, "full", 409)
    seat.seats_taken = taken + 1
    seat.save(update_fields=["seats_taken", "updated_at"])


def _locked_request(match_request: MatchRequest) -> MatchRequest:
    return (
        MatchRequest.objects.select_for_update()
        .select_related("program__organization", "mentee", "mentor")
        .get(pk=match_request.pk)
    )


class _Overdue(Exception):
    pass


def request_accept(*, match_request: MatchRequest, actor: "User") -> MatchRequest:
    """Accept, or — when the request has lapsed — record that it expired and refuse."""
    try:
        return _accept(match_request=match_request, actor=actor)
    except _Overdue:
        MatchRequest.objects.filter(pk=match_request.pk, status__in=MatchRequest.OPEN).update(
            status=MatchRequest.Status.EXPIRED
        )
        raise MatchError(_("This request has expired."), "expired", 409) from None


@transaction.atomic
def _accept(*, match_request: MatchRequest, actor: "User") -> MatchRequest:
    program = match_request.program
    # Lock order: mentor enrolment first, then the request, everywhere.
    seat = (
        Enrollment.objects.select_for_update()
        .filter(program=program, user=match_request.mentor_id)
        .first()
    )
    match_request = _locked_request(match_request)
    if actor.pk != match_request.mentor_id:
        raise MatchError(_("Only the mentor can accept."), "forbidden", 403)
    if not match_request.is_open:
        raise MatchError(_("This request has already been answered."), "answered", 409)
    if match_request.is_overdue:
        raise _Overdue
    if seat is None or seat.status != Enrollment.Status.APPROVED:
        raise MatchError(_("You are no longer a mentor in this programme."), "not_enrolled", 409)
    refusal = role_limit_refusal(program, match_request.mentee, match_request.role)
    if refusal:
        raise MatchError(refusal, "role_limit", 409)
    seat_take(
        seat,
        match_request.mentor,
        _("You have no free places in this programme. Raise your capacity or decline."),
    )
    match_request.status = MatchRequest.Status.ACCEPTED
    match_request.responded_at = timezone.now()
    match_request.save(update_fields=["status", "responded_at"])
    create_mentorship(
        program=program,
        mentors=[match_request.mentor],
        mentees=[match_request.mentee],
        role=match_request.role,
        actor=actor,
        source="request",
    )
    record(actor, "match_request.accepted", match_request, organization=program.organization)
    tell(
        [match_request.mentee],
        "match_request_accepted",
        lambda: (
            _("%(name)s accepted your request in %(program)s")
            % {"name": actor.full_name or actor.email, "program": program.name}
        ),
        target=match_request,
        url=_url(match_request),
        actor=actor,
        organization=program.organization,
    )
    _withdraw_others(match_request, actor)
    return match_request


def _withdraw_others(accepted: MatchRequest, actor: "User") -> None:
    # A developmental network may hold several relationships; only requests for the same
    # kind of relationship are withdrawn there.
    others = (
        MatchRequest.objects.open()
        .filter(program=accepted.program, mentee=accepted.mentee)
        .exclude(pk=accepted.pk)
    )
    if accepted.program.format == "network":
        others = others.filter(role=accepted.role)
    withdrawn = list(others.select_for_update().select_related("mentor"))
    for other in withdrawn:
        other.status = MatchRequest.Status.WITHDRAWN
        other.responded_at = timezone.now()
        other.save(update_fields=["status", "responded_at"])
        record(actor, "match_request.withdrawn", other, organization=accepted.program.organization)
    tell(
        [o.mentor for o in withdrawn],
        "match_request_withdrawn",
        lambda: _("A request to you was withdrawn: the mentee has found a mentor."),
        url=reverse("programs:inbox"),
        organization=accepted.program.organization,
    )


@transaction.atomic
def request_decline(*, match_request: MatchRequest, actor: "User", reason: str) -> MatchRequest:
    match_request = _locked_request(match_request)
    if actor.pk != match_request.mentor_id:
        raise MatchError(_("Only the mentor can decline."), "forbidden", 403)
    if not match_request.is_open:
        raise MatchError(_("This request has already been answered."), "answered", 409)
    if not reason.strip():
        raise MatchError(_("Give the mentee a short reason."), "reason")
    match_request.status = MatchRequest.Status.DECLINED
    match_request.decline_reason = reason.strip()[:500]
    match_request.responded_at = timezone.now()
    match_request.save(update_fields=["status", "decline_reason", "responded_at"])
    program = match_request.program
    record(actor, "match_request.declined", match_request, organization=program.organization)
    tell(
        [match_request.mentee],
        "match_request_declined",
        lambda: _("Your request in %(program)s was declined") % {"program": program.name},
        target=match_request,
        url=_url(match_request),
        actor=actor,
        organization=program.organization,
    )
    return match_request


@transaction.atomic
def request_ask(*, match_request: MatchRequest, actor: "User", question: str) -> MatchRequest:
    match_request = _locked_request(match_request)
    if actor.pk != match_request.mentor_id:
        raise MatchError(_("Only the mentor can ask."), "forbidden", 403)
    if match_request.status != MatchRequest.Status.PENDING:
        raise MatchError(_("This request is not waiting for you."), "answered", 409)
    if not question.strip():
        raise MatchError(_("Write your question."), "question")
    match_request.status = MatchRequest.Status.INFO_REQUESTED
    match_request.question = question.strip()[:2000]
    match_request.save(update_fields=["status", "question"])
    record(actor, "match_request.info_requested", match_request)
    tell(
        [match_request.mentee],
        "match_request_question",
        lambda: _("A mentor has a question about your request"),
        target=match_request,
        url=_url(match_request),
        actor=actor,
        organization=match_request.program.organization,
    )
    return match_request


@transaction.atomic
def request_answer(*, match_request: MatchRequest, actor: "User", answer: str) -> MatchRequest:
    match_request = _locked_request(match_request)
    if actor.pk != match_request.mentee_id:
        raise MatchError(_("Only the mentee can answer."), "forbidden", 403)
    if match_request.status != MatchRequest.Status.INFO_REQUESTED:
        raise MatchError(_("No question is waiting for an answer."), "answered", 409)
    if not answer.strip():
        raise MatchError(_("Write your answer."), "answer")
    match_request.status = MatchRequest.Status.PENDING
    match_request.answer = answer.strip()[:2000]
    match_request.save(update_fields=["status", "answer"])
    record(actor, "match_request.answered", match_request)
    tell(
        [match_request.mentor],
        "match_request_answered",
        lambda: _("The mentee answered your question"),
        target=match_request,
        url=_url(match_request),
        actor=actor,
        organization=match_request.program.organization,
    )
    return match_request


@transaction.atomic
def request_withdraw(*, match_request: MatchRequest, actor: "User") -> MatchRequest:
    match_request = _locked_request(match_request)
    if actor.pk != match_request.mentee_id:
        raise MatchError(_("Only the mentee can withdraw."), "forbidden", 403)
    if not match_request.is_open:
        raise MatchError(_("This request has already been answered."), "answered", 409)
    match_request.status = MatchRequest.Status.WITHDRAWN
    match_request.responded_at = timezone.now()
    match_request.save(update_fields=["status", "responded_at"])
    record(actor, "match_request.withdrawn", match_request)
    return match_request


def _expired_title(program: str) -> str:
    return _("Your request in %(program)s expired without an answer") % {"program": program}


def _reminder_title(program: str) -> str:
    return _("A request in %(program)s is waiting for your answer") % {"program": program}


def requests_sweep(*, now: Any = None) -> dict[str, int]:
    """Expire overdue requests (counting them against the mentor, pausing the unresponsive)
    and remind mentors of requests waiting past the programme's reminder day. Safe to rerun."""
    now = now or timezone.now()
    expired = reminded = paused = 0
    for pk in MatchRequest.objects.open().filter(expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            req = (
                MatchRequest.objects.select_for_update()
                .select_related("program", "mentee", "mentor")
                .filter(pk=pk, status__in=MatchRequest.OPEN)
                .first()
            )
            if req is None:
                continue
            seat = (
                Enrollment.objects.select_for_update()
                .filter(program=req.program, user=req.mentor)
                .first()
            )
            ignored = req.status == MatchRequest.Status.PENDING  # not waiting on the mentee
            req.status = MatchRequest.Status.EXPIRED
            req.save(update_fields=["status"])
            expired += 1
            if seat is not None and ignored:
                seat.ignored_requests += 1
                fields = ["ignored_requests"]
                if (
                    seat.paused_at is None
                    and seat.ignored_requests >= req.program.pause_after_ignored
                ):
                    seat.paused_at = now
                    fields.append("paused_at")
                    paused += 1
                seat.save(update_fields=fields)
            record(None, "match_request.expired", req, organization=req.program.organization)
            tell(
                [req.mentee],
                "match_request_expired",
                partial(_expired_title, req.program.name),
                target=req,
                url=_url(req),
                organization=req.program.organization,
            )
    due = MatchRequest.objects.filter(
        status=MatchRequest.Status.PENDING, reminded_at__isnull=True
    ).select_related("program", "mentor")
    for req in due:
        if req.created_at + timedelta(days=req.program.request_reminder_days) <= now:
            MatchRequest.objects.filter(pk=req.pk, reminded_at__isnull=True).update(reminded_at=now)
            reminded += 1
            tell(
                [req.mentor],
                "match_request_reminder",
                partial(_reminder_title, req.program.name),
                target=req,
                url=_url(req),
                organization=req.program.organization,
            )
    return {"expired": expired, "reminded": reminded, "paused": paused}
