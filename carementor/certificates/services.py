"""Every state change of the certificates app: rules, settings, issue, revoke, re-issue, CPD.

Issuing is idempotent: a person gets at most one certificate per programme and role, ever,
unless they ask for a re-issue (which supersedes the old one) — a revoked certificate is not
re-issued automatically. The partial unique constraint on valid certificates is the last word
when two issuing runs race.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.certificates.completion import checklist, checklist_under, participant_roles
from carementor.certificates.models import (
    Certificate,
    CertificateSettings,
    CertificateStatus,
    CompletionRule,
    CpdEntry,
    Role,
)
from carementor.lib.errors import DomainError
from carementor.mentorships.models import ENDED_PHASES, MentorshipParty
from carementor.notifications.services import notify
from carementor.programs.models import Enrollment, Program

if TYPE_CHECKING:
    from carementor.accounts.models import User

logger = logging.getLogger(__name__)

RULE_FIELDS = (
    "agreement_signed",
    "meetings_held",
    "goals_achieved",
    "all_goals_achieved",
    "modules_completed",
    "quizzes_passed",
    "closure_survey",
    "mentorship_ended",
)
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000


class CertificateError(DomainError):
    def __init__(self, message: str, *, code: str = "invalid", status: int = 409) -> None:
        super().__init__(message, status=status, code=code)


# --- Completion rules ----------------------------------------------------------------------


def rule_set(
    *, program: Program, role: str, actor: "User", data: dict[str, Any], request: Any = None
) -> CompletionRule:
    """Create or replace the rule for one role. ``data`` holds every field of RULE_FIELDS."""
    if role not in Role.values:
        raise CertificateError(_("Unknown role."), code="invalid", status=422)
    values = {name: data[name] for name in RULE_FIELDS}
    if not any(values.values()):
        raise CertificateError(
            _("Choose at least one requirement, or remove the rule."), code="empty", status=422
        )
    with transaction.atomic():
        rule, _created = CompletionRule.objects.update_or_create(
            program=program, role=role, defaults={**values, "updated_by": actor}
        )
        record(
            actor,
            "certificates.rule_set",
            program,
            organization=program.organization,
            request=request,
            detail={"role": role, **values},
        )
    return rule


def rule_delete(*, program: Program, role: str, actor: "User", request: Any = None) -> bool:
    with transaction.atomic():
        deleted, _rows = CompletionRule.objects.filter(program=program, role=role).delete()
        if deleted:
            record(
                actor,
                "certificates.rule_removed",
                program,
                organization=program.organization,
                request=request,
                detail={"role": role},
            )
    return bool(deleted)


# --- Certificate settings ------------------------------------------------------------------


def check_logo(name: str, data: bytes) -> str:
    """Return the logo's content type, or raise CertificateError with a message."""
    from carementor.credentials.uploads import PNG, UploadRejected, inspect_upload

    if len(data) > LOGO_MAX_BYTES:
        raise CertificateError(
            _("The logo is larger than 512 KB. Export a smaller PNG or JPEG."),
            code="too_large",
            status=413,
        )
    try:
        inspected = inspect_upload(name, data)
    except UploadRejected as exc:
        raise CertificateError(exc.message, code=exc.code, status=422) from exc
    if inspected.content_type == "application/pdf":
        raise CertificateError(
            _("The logo must be a PNG or JPEG image."), code="bad_type", status=422
        )
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) > LOGO_MAX_SIDE:
            raise CertificateError(
                _("The logo is too large in pixels (2000 on its longest side at most)."),
                code="too_many_pixels",
                status=422,
            )
    return "image/png" if inspected.content_type == PNG else "image/jpeg"


def settings_update(
    *,
    organization: Any,
    actor: "User",
    signatory_name: str,
    signatory_title: str,
    logo: tuple[str, bytes] | None = None,
    remove_logo: bool = False,
    request: Any = None,
) -> CertificateSettings:
    logo_type = check_logo(*logo) if logo is not None else ""
    with transaction.atomic():
        found, _created = CertificateSettings.objects.select_for_update().get_or_create(
            organization=organization
        )
        found.signatory_name = signatory_name.strip()
        found.signatory_title = signatory_title.strip()
        found.updated_by = actor
        fields = ["signatory_name", "signatory_title", "updated_by", "updated_at"]
        if logo is not None:
            found.logo, found.logo_type = logo[1], logo_type
            fields += ["logo", "logo_type"]
        elif remove_logo:
            found.logo, found.logo_type = None, ""
            fields += ["logo", "logo_type"]
        found.save(update_fields=fields)
        record(
            actor,
            "certificates.settings_updated",
            organization,
            organization=organization,
            request=request,
            detail={"logo": "new" if logo else ("removed" if remove_logo else "kept")},
        )
    return found


# --- Issuing -------------------------------------------------------------------------------


def cpd_activity(role: str, program: Program, holder: "User") -> str:
    with translation.override(holder.language or None):
        if role == Role.MENTOR:
            text = _("Mentoring in %(program)s (%(organization)s)")
        else:
            text = _("Being mentored in %(program)s (%(organization)s)")
        return text % {"program": program.name, "organization": program.organization.name}


def _cpd_hours(program: Program, role: str) -> Decimal:
    hours = program.cpd_hours_mentor if role == Role.MENTOR else program.cpd_hours_mentee
    return Decimal(hours or 0)


def certificate_issue_if_complete(
    *,
    user: "User",
    program: Program,
    role: str,
    actor: "User | None" = None,
    rule: CompletionRule | None = None,
) -> Certificate | None:
    """Issue ``user``'s certificate for ``role`` in ``program`` if their checklist is complete
    and they have none yet. Returns the new certificate, else None. Safe to call any time."""
    if Certificate.objects.filter(holder=user, program=program, role=role).exists():
        return None
    found = (
        checklist(user, program, role)
        if rule is None
        else checklist_under(user, program, role, rule)
    )
    if not found.complete or found.completed_on is None:
        return None
    started_on = found.started_on or found.completed_on
    hours = _cpd_hours(program, role)
    try:
        with transaction.atomic():
            # The check above ran outside this transaction; re-check under it so a
            # revoked or superseded certificate issued meanwhile is respected.
            if Certificate.objects.filter(holder=user, program=program, role=role).exists():
                return None
            certificate = Certificate.objects.create(
                holder=user,
                holder_name=user.full_name or user.email.split("@")[0],
                program=program,
                program_name=program.name,
                organization=program.organization,
                organization_name=program.organization.name,
                role=role,
                started_on=started_on,
                completed_on=found.completed_on,
                cpd_hours=hours,
            )
            if hours > 0:
                CpdEntry.objects.create(
                    user=user,
                    activity=cpd_activity(role, program, user),
                    hours=hours,
                    date=found.completed_on,
                    source=CpdEntry.Source.CERTIFICATE,
                    certificate=certificate,
                )
            record(
                actor,
                "certificate.issued",
                certificate,
                organization=program.organization,
                detail={"holder": user.code, "program": program.code, "role": role},
            )
            notify(
                [user],
                "certificate_issued",
                target=certificate,
                context={"program": program.name, "role": str(Role(role).label)},
                organization=program.organization,
            )
    except IntegrityError:
        # Another run issued it between our check and our insert.
        logger.info("Certificate for %s/%s/%s issued concurrently", user.pk, program.pk, role)
        return None
    return certificate


def certificates_check(
    *, user: "User", program: Program, actor: "User | None" = None
) -> list[Certificate]:
    """Issue whatever ``user`` has completed in ``program`` ("check now", learning signal)."""
    issued = []
    for role in participant_roles(user, program):
        certificate = certificate_issue_if_complete(
            user=user, program=program, role=role, actor=actor
        )
        if certificate is not None:
            issued.append(certificate)
    return issued


@dataclass(frozen=True)
class IssueReport:
    checked: int
    issued: int


def certificates_issue_pending(
    *, program: Program | None = None, actor: "User | None" = None
) -> IssueReport:
    """Check every participant without a certificate in every programme with rules (or in
    ``program``). The scheduled command runs it with no actor; a coordinator's "issue now"
    with themselves as actor."""
    rules = CompletionRule.objects.select_related("program__organization")
    if program is not None:
        rules = rules.filter(program=program)
    checked = issued = 0
    for rule in rules.order_by("program_id", "role"):
        for user in _candidates(rule):
            checked += 1
            if certificate_issue_if_complete(
                user=user, program=rule.program, role=rule.role, actor=actor, rule=rule
            ):
                issued += 1
    return IssueReport(checked=checked, issued=issued)


def _candidates(rule: CompletionRule) -> list[Any]:
    from carementor.accounts.models import User

    parties = MentorshipParty.objects.filter(mentorship__program=rule.program, role=rule.role)
    if rule.mentorship_ended:
        parties = parties.filter(mentorship__phase__in=ENDED_PHASES)
    ids = set(parties.values_list("user_id", flat=True))
    if not rule.mentorship_ended:
        roles = [rule.role, Enrollment.Role.BOTH]
        ids |= set(
            Enrollment.objects.filter(
                program=rule.program, status=Enrollment.Status.APPROVED, role__in=roles
            ).values_list("user_id", flat=True)
        )
    done = Certificate.objects.filter(program=rule.program, role=rule.role).values("holder_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=done).order_by("pk"))


# --- Revoking and re-issuing ---------------------------------------------------------------


def certificate_revoke(
    *, certificate: Certificate, actor: "User", reason: str, request: Any = None
) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking."), code="reason", status=422)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != CertificateStatus.VALID:
            raise CertificateError(_("Only a valid certificate can be revoked."), code="status")
        now = timezone.now()
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = now
        certificate.revoked_by = actor
        certificate.revocation_reason = reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        CpdEntry.objects.filter(certificate=certificate).update(is_void=True, voided_at=now)
        record(
            actor,
            "certificate.revoked",
            certificate,
            organization=certificate.organization,
            request=request,
            detail={"reason": reason},
        )
        notify(
            [certificate.holder],
            "certificate_revoked",
            target=certificate,
            context={"program": certificate.program_name, "reason": reason},
            actor=actor,
            organization=certificate.organization,
        )
    return certificate


def certificate_reissue(
    *, certificate: Certificate, user: "User", request: Any = None
) -> Certificate:
    """The holder's name changed: a new certificate (new code) supersedes the old one."""
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.holder_id != user.pk:
            raise CertificateError(_("Only the holder can ask for a re-issue."), status=403)
        if old.status != CertificateStatus.VALID:
            raise CertificateError(_("Only a valid certificate can be re-issued."), code="status")
        if not old.name_changed(user):
            raise CertificateError(
                _("Your name is the same as on the certificate; there is nothing to change."),
                code="unchanged",
            )
        now = timezone.now()
        old.status = CertificateStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])
        new = Certificate.objects.create(
            holder=user,
            holder_name=user.full_name,
            program=old.program,
            program_name=old.program_name,
            organization=old.organization,
            organization_name=old.organization_name,
            role=old.role,
            started_on=old.started_on,
            completed_on=old.completed_on,
            issued_at=now,
            cpd_hours=old.cpd_hours,
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        CpdEntry.objects.filter(certificate=old).update(certificate=new)
        record(
            user,
            "certificate.reissued",
            new,
            organization=new.organization,
            request=request,
            detail={"supersedes": old.code},
        )
    return new


# --- CPD log -------------------------------------------------------------------------------


def cpd_add(
    *,
    user: "User",
    activity: str,
    hours: Decimal,
    date: datetime.date,
    evidence: str = "",
    request: Any = None,
) -> CpdEntry:
    activity = activity.strip()
    if not activity:
        raise CertificateError(_("Describe the activity."), code="activity", status=422)
    if not (Decimal("0") < hours <= Decimal("999")):
        raise CertificateError(_("Hours must be between 0.1 and 999."), code="hours", status=422)
    if hours != hours.quantize(Decimal("0.1")):
        raise CertificateError(_("Give hours to one decimal place."), code="hours", status=422)
    if date > timezone.localdate():
        raise CertificateError(_("The date cannot be in the future."), code="date", status=422)
    with transaction.atomic():
        entry = CpdEntry.objects.create(
            user=user,
            activity=activity,
            hours=hours,
            date=date,
            evidence=evidence.strip(),
            source=CpdEntry.Source.MANUAL,
        )
        record(user, "cpd.added", entry, request=request, detail={"hours": str(hours)})
    return entry


def cpd_delete(*, entry: CpdEntry, user: "User", request: Any = None) -> None:
    if entry.user_id != user.pk:
        raise CertificateError(_("Not your entry."), status=403)
    if entry.source != CpdEntry.Source.MANUAL:
        raise CertificateError(
            _("Entries earned with a certificate cannot be deleted."), code="certificate"
        )
    with transaction.atomic():
        record(user, "cpd.deleted", entry, request=request, detail={"hours": str(entry.hours)})
        entry.delete()


def cpd_totals(user: "User") -> dict[str, Decimal]:
    from django.db.models import Sum

    counted = CpdEntry.objects.filter(user=user).counted()
    total = counted.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    mentoring = counted.filter(~Q(certificate=None)).aggregate(total=Sum("hours"))["total"]
    tenth = Decimal("0.1")
    return {
        "total": Decimal(total).quantize(tenth),
        "certificates": Decimal(mentoring or 0).quantize(tenth),
    }
