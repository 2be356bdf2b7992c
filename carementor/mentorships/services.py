"""Every change to a mentorship's life: creation, agreement and signing, help, closure.

Each function is atomic, locks the mentorship row where two people can act at once, writes
an audit event and notifies the other people involved after commit (``notify`` writes the
in-app rows inside the transaction, so nothing is lost).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.lib.errors import DomainError
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    OPEN_PHASES,
    Agreement,
    ExtensionRequest,
    HelpRequest,
    Mentorship,
    MentorshipParty,
    Outcome,
    PartyRole,
    Phase,
    Signature,
    Source,
)
from carementor.notifications.services import notify
from carementor.organizations.models import Membership
from carementor.profiles.models import MentoringRole
from carementor.profiles.roles import agreement_defaults, limit_for, role_definition

if TYPE_CHECKING:
    from carementor.accounts.models import User


class MentorshipError(DomainError):
    """A refused change: ``status`` is the HTTP status pages and API answer with."""


def is_overseer(user: "User", organization: Any) -> bool:
    """Coordinators and admins of the organization oversee its mentorships."""
    return (
        Membership.objects.filter(user=user, organization=organization)
        .filter(models.Q(is_coordinator=True) | models.Q(is_admin=True))
        .exists()
    )


def _locked(mentorship: Mentorship) -> Mentorship:
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    # Parties are read after the lock so every rule sees the current set.
    return (
        Mentorship.objects.prefetch_related("parties__user")
        .select_related("program", "organization")
        .get(pk=locked.pk)
    )


def _evaluations_on_commit(mentorship: Mentorship) -> None:
    """Baseline surveys at activation, closure surveys at close (evaluations app)."""
    from carementor.evaluations.schedule import on_mentorship_changed

    transaction.on_commit(lambda: on_mentorship_changed(mentorship.pk))


def _progressed_on_commit(mentorship: Mentorship) -> None:
    """Tell listeners (certificates) that every party moved forward in the programme."""
    from carementor.lib.signals import participation_progressed

    program = mentorship.program
    users = mentorship.party_users()

    def send() -> None:
        for user in users:
            participation_progressed.send(sender=Mentorship, user=user, program=program)

    transaction.on_commit(send)


def _notify_parties(
    mentorship: Mentorship, kind: str, *, actor: "User", exclude_actor: bool = True, **context: Any
) -> None:
    recipients = mentorship.parties_except(actor) if exclude_actor else mentorship.party_users()
    notify(
        recipients,
        kind,
        target=mentorship,
        context={"program": mentorship.program.name, **context},
        actor=actor,
        organization=mentorship.organization,
    )


# --- Creation -----------------------------------------------------------------------------


def mentorship_create(
    *,
    program: Any,
    mentors: Sequence[Any],
    mentees: Sequence[Any],
    role: str,
    actor: "User",
    source: str,
    request: Any = None,
) -> Mentorship:
    """Create a relationship in ``program``: phase proposed with a draft agreement from the
    program's template, or straight to active for formats without an agreement (flash, speed).

    Callers (an accepted request, a published match run, a coordinator) have already checked
    eligibility and capacity under their own locks; this checks only the shape.
    """
    if role not in MentoringRole.values:
        raise MentorshipError(_("Unknown relationship type."), status=422, code="invalid")
    if source not in Source.values:
        raise MentorshipError(_("Unknown source."), status=422, code="invalid")
    mentor_ids = {u.pk for u in mentors}
    mentee_ids = {u.pk for u in mentees}
    if not mentor_ids or not mentee_ids:
        raise MentorshipError(
            _("A mentorship needs at least one mentor and one mentee."), status=422, code="invalid"
        )
    if mentor_ids & mentee_ids:
        raise MentorshipError(
            _("Nobody can be both mentor and mentee in the same mentorship."),
            status=422,
            code="invalid",
        )
    if source == Source.COORDINATOR and not is_overseer(actor, program.organization):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        if source == Source.COORDINATOR:
            # Accepted requests checked the limit under the same lock (matching.services);
            # match runs never propose a mentee who already has a relationship.
            check_role_limit(program, mentees, role, lock=True)
            _take_mentor_seats(program, mentors)
        has_agreement = bool(getattr(program, "has_agreement", True))
        mentorship = Mentorship.objects.create(
            program=program,
            organization=program.organization,
            role=role,
            source=source,
            phase=Phase.PROPOSED if has_agreement else Phase.ACTIVE,
            activated_at=None if has_agreement else now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )
        seen: set[int] = set()
        parties = []
        for users, party_role in ((mentors, PartyRole.MENTOR), (mentees, PartyRole.MENTEE)):
            for user in users:
                if user.pk not in seen:
                    seen.add(user.pk)
                    parties.append(
                        MentorshipParty(mentorship=mentorship, user=user, role=party_role)
                    )
        MentorshipParty.objects.bulk_create(parties)
        if has_agreement:
            Agreement.objects.create(
                mentorship=mentorship,
                version=1,
                **agreement_defaults(program, role),
                confidentiality=str(DEFAULT_CONFIDENTIALITY),
                created_by=mentorship.created_by,
            )
        record(
            actor,
            "mentorship.created",
            mentorship,
            organization=mentorship.organization,
            request=request,
            detail={"source": source, "role": role, "phase": mentorship.phase},
        )
        mentorship = Mentorship.objects.prefetch_related("parties__user").get(pk=mentorship.pk)
        _notify_parties(
            mentorship,
            "mentorship_created",
            actor=actor,
            exclude_actor=False,
            has_agreement=has_agreement,
        )
        if mentorship.phase == Phase.ACTIVE:
            _evaluations_on_commit(mentorship)
    return mentorship


def open_role_counts(program: Any, mentee_ids: Sequence[int], role: str) -> dict[int, int]:
    """How many open relationships of ``role`` each of these people holds as a mentee."""
    rows = (
        MentorshipParty.objects.filter(
            mentorship__program=program,
            mentorship__role=role,
            mentorship__phase__in=OPEN_PHASES,
            role=PartyRole.MENTEE,
            user_id__in=list(mentee_ids),
        )
        .values("user_id")
        .annotate(n=models.Count("mentorship_id", distinct=True))
        .values_list("user_id", "n")
    )
    return dict(rows)


def check_role_limit(program: Any, mentees: Sequence[Any], role: str, *, lock: bool) -> None:
    """Refuse a relationship that would give a mentee more open relationships of one role
    than the programme allows. With ``lock``, the mentees' enrolment rows are locked first
    (in key order) so two mentors accepting at once cannot both slip under the limit."""
    from carementor.programs.models import Enrollment

    ids = sorted({m.pk for m in mentees})
    if lock:
        list(
            Enrollment.objects.select_for_update()
            .filter(program=program, user_id__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    limit = limit_for(program, role)
    counts = open_role_counts(program, ids, role)
    for mentee in sorted(mentees, key=lambda m: m.pk):
        if counts.get(mentee.pk, 0) >= limit:
            raise MentorshipError(
                _(
                    "%(name)s already has %(n)d open %(role)s relationship(s) in this "
                    "programme, the most it allows at once."
                )
                % {
                    "name": mentee.get_full_name() or mentee.email,
                    "n": counts[mentee.pk],
                    "role": role_definition(role).label.lower(),
                },
                status=409,
                code="role_limit",
            )


def _take_mentor_seats(program: Any, mentors: Sequence[Any]) -> None:
    """A coordinator pairing people directly takes a place from each enrolled mentor under the
    same lock and recount as an accepted request, so direct pairing cannot over-book anyone.
    Members who are not enrolled as mentors have no capacity to take from."""
    from carementor.matching.services import MatchError, lock_seats, seat_take

    seats = lock_seats(program, [m.pk for m in mentors])
    for mentor in sorted(mentors, key=lambda m: m.pk):
        seat = seats.get(mentor.pk)
        if seat is None or seat.role == "mentee" or seat.status != "approved":
            continue
        try:
            seat_take(
                seat,
                mentor,
                _("%(name)s has no free mentoring place in this programme.")
                % {"name": mentor.full_name or mentor.email},
            )
        except MatchError as error:
            raise MentorshipError(str(error.message), status=409, code="full") from error


# --- Agreement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementData:
    goals: str
    expectations: str
    meeting_frequency: str
    meeting_mode: str
    duration: str
    confidentiality: str

    FIELDS = (
        "goals",
        "expectations",
        "meeting_frequency",
        "meeting_mode",
        "duration",
        "confidentiality",
    )


def current_agreement(mentorship: Mentorship) -> Agreement | None:
    return (
        Agreement.objects.filter(mentorship=mentorship)
        .prefetch_related("signatures__signer")
        .order_by("-version")
        .first()
    )


def agreement_in_force(mentorship: Mentorship) -> Agreement | None:
    return (
        Agreement.objects.filter(mentorship=mentorship, effective_at__isnull=False)
        .order_by("-version")
        .first()
    )


def _require_party(mentorship: Mentorship, user: "User") -> None:
    if not mentorship.has_party(user):
        raise PermissionDenied


def agreement_update(
    *,
    mentorship: Mentorship,
    editor: Any,
    data: AgreementData,
    base_version: int,
    request: Any = None,
) -> Agreement:
    """Change the agreement. An unsigned draft is edited in place; once anyone has signed, or
    once it is in force, the change is a new version that everyone signs again."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, editor)
        if mentorship.phase not in (Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE):
            raise MentorshipError(_("The agreement can no longer be changed."))
        agreement = current_agreement(mentorship)
        if agreement is None:
            raise MentorshipError(_("This programme's format has no agreement."))
        if agreement.version != base_version:
            raise MentorshipError(
                _(
                    "The agreement changed since you opened it. Reload it and make your change again."
                ),
                code="stale",
            )
        values = {field: getattr(data, field) for field in AgreementData.FIELDS}
        if all(getattr(agreement, f) == v for f, v in values.items()):
            return agreement
        if agreement.effective_at is None and not agreement.signatures.exists():
            for field, value in values.items():
                setattr(agreement, field, value)
            agreement.save(update_fields=list(values))
            action = "agreement.edited"
        else:
            agreement = Agreement.objects.create(
                mentorship=mentorship,
                version=agreement.version + 1,
                body=agreement.body,
                created_by=editor,
                **values,
            )
            action = "agreement.amended"
        if mentorship.phase == Phase.PROPOSED:
            mentorship.phase = Phase.AGREEING
            mentorship.save(update_fields=["phase"])
        record(
            editor,
            action,
            agreement,
            organization=mentorship.organization,
            request=request,
            detail={"version": agreement.version},
        )
        _notify_parties(mentorship, "agreement_changed", actor=editor, version=agreement.version)
    return agreement


def agreement_sign(
    *, mentorship: Mentorship, signer: "User", version: int, request: Any = None
) -> Agreement:
    """Sign the current version (the one the signer read: ``version``). The last signature
    puts it in force and, before the relationship has started, makes it active."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, signer)
        if mentorship.phase not in (Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE):
            raise MentorshipError(_("The agreement can no longer be signed."))
        agreement = current_agreement(mentorship)
        if agreement is None:
            raise MentorshipError(_("This programme's format has no agreement."))
        if agreement.version != version:
            raise MentorshipError(
                _("The agreement changed since you opened it. Read the new version, then sign."),
                code="stale",
            )
        if signer.pk in agreement.signer_ids():
            raise MentorshipError(_("You have already signed this version."), code="signed")
        Signature.objects.create(agreement=agreement, signer=signer)
        agreement = Agreement.objects.prefetch_related("signatures").get(pk=agreement.pk)
        agreement.mentorship = mentorship
        record(
            signer,
            "agreement.signed",
            agreement,
            organization=mentorship.organization,
            request=request,
            detail={"version": agreement.version},
        )
        if agreement.is_fully_signed():
            now = timezone.now()
            agreement.effective_at = now
            agreement.save(update_fields=["effective_at"])
            if mentorship.phase in (Phase.PROPOSED, Phase.AGREEING):
                mentorship.phase = Phase.ACTIVE
                mentorship.activated_at = now
                mentorship.save(update_fields=["phase", "activated_at"])
                record(
                    signer, "mentorship.activated", mentorship, organization=mentorship.organization
                )
                _evaluations_on_commit(mentorship)
            _notify_parties(
                mentorship,
                "agreement_in_force",
                actor=signer,
                exclude_actor=False,
                version=agreement.version,
            )
        else:
            if mentorship.phase == Phase.PROPOSED:
                mentorship.phase = Phase.AGREEING
                mentorship.save(update_fields=["phase"])
            _notify_parties(
                mentorship,
                "agreement_signed",
                actor=signer,
                signer=signer.get_full_name(),
                version=agreement.version,
            )
    return agreement


# --- Help, extension, closure -------------------------------------------------------------


def _overseers(mentorship: Mentorship) -> list[Any]:
    memberships = Membership.objects.filter(
        organization=mentorship.organization, is_coordinator=True
    ).select_related("user")
    return [m.user for m in memberships]


def mentorship_request_help(
    *, mentorship: Mentorship, user: "User", reason: str, request: Any = None
) -> HelpRequest:
    """A party asks the programme coordinators to step in."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        if HelpRequest.objects.filter(mentorship=mentorship, resolved_at__isnull=True).exists():
            raise MentorshipError(
                _("A coordinator has already been asked to help; they will be in touch."),
                code="already_asked",
            )
        help_request = HelpRequest.objects.create(
            mentorship=mentorship, requested_by=user, reason=reason
        )
        record(user, "mentorship.help_requested", mentorship, organization=mentorship.organization)
        notify(
            _overseers(mentorship),
            "mentorship_needs_help",
            target=mentorship,
            context={"url": _health_url(mentorship), "program": mentorship.program.name},
            actor=user,
            organization=mentorship.organization,
        )
    return help_request


def _health_url(mentorship: Mentorship) -> str:
    from django.urls import reverse

    return reverse("mentorships:health", args=[mentorship.organization.code])


def mentorship_resolve_help(
    *, mentorship: Mentorship, coordinator: Any, request: Any = None
) -> int:
    with transaction.atomic():
        mentorship = _locked(mentorship)
        if not is_overseer(coordinator, mentorship.organization):
            raise PermissionDenied
        count = HelpRequest.objects.filter(mentorship=mentorship, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=coordinator
        )
        record(
            coordinator,
            "mentorship.help_resolved",
            mentorship,
            organization=mentorship.organization,
        )
    return count


def extension_request(
    *, mentorship: Mentorship, user: "User", new_ends_on: date, reason: str, request: Any = None
) -> ExtensionRequest:
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        if mentorship.phase not in (Phase.ACTIVE, Phase.CLOSING):
            raise MentorshipError(_("Only an active mentorship can be extended."))
        if new_ends_on <= timezone.localdate() or (
            mentorship.ends_on and new_ends_on <= mentorship.ends_on
        ):
            raise MentorshipError(
                _("Choose a date later than today and the current planned end."),
                status=422,
                code="invalid",
            )
        if mentorship.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise MentorshipError(_("An extension request is already waiting for a decision."))
        extension = ExtensionRequest.objects.create(
            mentorship=mentorship, requested_by=user, new_ends_on=new_ends_on, reason=reason
        )
        record(
            user,
            "mentorship.extension_requested",
            mentorship,
            organization=mentorship.organization,
            detail={"new_ends_on": new_ends_on.isoformat()},
        )
        notify(
            _overseers(mentorship),
            "mentorship_extension_requested",
            target=mentorship,
            context={"url": _health_url(mentorship), "new_ends_on": new_ends_on.isoformat()},
            actor=user,
            organization=mentorship.organization,
        )
    return extension


def extension_decide(
    *, extension: ExtensionRequest, coordinator: Any, approve: bool, request: Any = None
) -> ExtensionRequest:
    with transaction.atomic():
        mentorship = _locked(extension.mentorship)
        if not is_overseer(coordinator, mentorship.organization):
            raise PermissionDenied
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionRequest.Status.PENDING:
            raise MentorshipError(_("This request has already been decided."), code="decided")
        extension.status = (
            ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.DECLINED
        )
        extension.decided_by = coordinator
        extension.decided_at = timezone.now()
        extension.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            mentorship.ends_on = extension.new_ends_on
            if mentorship.phase == Phase.CLOSING:
                # Extending a relationship that was winding down takes it back to active.
                mentorship.phase = Phase.ACTIVE
                mentorship.closing_started_at = None
                mentorship.closing_started_by = None
            mentorship.save(
                update_fields=["ends_on", "phase", "closing_started_at", "closing_started_by"]
            )
        record(
            coordinator,
            f"mentorship.extension_{extension.status}",
            mentorship,
            organization=mentorship.organization,
        )
        _notify_parties(
            mentorship,
            "mentorship_extension_decided",
            actor=coordinator,
            approved=approve,
            new_ends_on=extension.new_ends_on.isoformat(),
        )
    return extension


def mentorship_start_closing(
    *, mentorship: Mentorship, user: "User", request: Any = None
) -> Mentorship:
    """Either party or a coordinator starts the separation phase."""
    with transaction.atomic():
        mentorship = _locked(mentorship)
        if not (mentorship.has_party(user) or is_overseer(user, mentorship.organization)):
            raise PermissionDenied
        if mentorship.phase not in (Phase.PROPOSED, Phase.AGREEING, Phase.ACTIVE):
            raise MentorshipError(_("This mentorship is not in a phase that can start closing."))
        now = timezone.now()
        if mentorship.phase != Phase.ACTIVE:
            # Never started: nothing to reflect on, it simply ends.
            mentorship.phase = Phase.CLOSED
            mentorship.closed_at = now
            mentorship.outcome = Outcome.ENDED_EARLY
            mentorship.closing_started_at = now
            mentorship.closing_started_by = user
            mentorship.save(
                update_fields=[
                    "phase",
                    "closed_at",
                    "outcome",
                    "closing_started_at",
                    "closing_started_by",
                ]
            )
            record(user, "mentorship.closed", mentorship, organization=mentorship.organization)
            _notify_parties(mentorship, "mentorship_closed", actor=user)
            return mentorship
        mentorship.phase = Phase.CLOSING
        mentorship.closing_started_at = now
        mentorship.closing_started_by = user
        mentorship.save(update_fields=["phase", "closing_started_at", "closing_started_by"])
        record(user, "mentorship.closing_started", mentorship, organization=mentorship.organization)
        _notify_parties(mentorship, "mentorship_closing", actor=user)
    return mentorship


def mentorship_close(
    *,
    mentorship: Mentorship,
    user: "User",
    outcome: str,
    reflection: str,
    redefined_as: str = "",
    request: Any = None,
) -> Mentorship:
    """A party records the outcome and reflection; optionally the relationship continues in a
    redefined, collegial form. Hands off to the closure evaluation (evaluations issue)."""
    if outcome not in Outcome.values:
        raise MentorshipError(_("Choose an outcome."), status=422, code="invalid")
    if redefined_as and redefined_as not in MentoringRole.values:
        raise MentorshipError(_("Unknown relationship type."), status=422, code="invalid")
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        if mentorship.phase != Phase.CLOSING:
            raise MentorshipError(_("Start closure first."))
        mentorship.phase = Phase.REDEFINED if redefined_as else Phase.CLOSED
        mentorship.closed_at = timezone.now()
        mentorship.outcome = outcome
        mentorship.reflection = reflection
        mentorship.redefined_as = redefined_as
        mentorship.save(
            update_fields=["phase", "closed_at", "outcome", "reflection", "redefined_as"]
        )
        record(
            user,
            "mentorship.closed",
            mentorship,
            organization=mentorship.organization,
            detail={"outcome": outcome, "redefined_as": redefined_as},
        )
        _notify_parties(
            mentorship, "mentorship_closed", actor=user, outcome=mentorship.get_outcome_display()
        )
        _evaluations_on_commit(mentorship)
        _progressed_on_commit(mentorship)
    return mentorship
