"""Every state change of a credential: atomic, audited, e-mails sent after commit."""

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.models import AuditEvent
from carementor.audit.services import record
from carementor.credentials import clamd, storage
from carementor.credentials.models import (
    CHECKLIST_KEYS,
    Credential,
    EvidenceFile,
    ExpiryNotice,
    RegisterCheck,
    ReviewEvent,
    ReviewPolicy,
    four_eyes_required,
)
from carementor.credentials.registers import adapter_for
from carementor.credentials.schemes import get_scheme
from carementor.credentials.uploads import InspectedFile
from carementor.lib.errors import DomainError
from carementor.organizations.models import Membership, Organization

if TYPE_CHECKING:
    from carementor.accounts.models import User

logger = logging.getLogger(__name__)

MAX_EVIDENCE_FILES = 5
REMINDER_DAYS = (30, 7)

Status = Credential.Status
Pending = Credential.PendingAction
Action = ReviewEvent.Action


class CredentialError(DomainError):
    """A refused state change: ``status`` is the HTTP status pages and API answer with."""


@dataclass(frozen=True)
class CredentialData:
    """Clean values from a form or an API schema."""

    scheme: str
    number: str
    title: str = ""
    issuing_body: str = ""
    jurisdiction: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


def _email_on_commit(credential: Credential, kind: str) -> None:
    from carementor.credentials.tasks import send_credential_email

    credential_id = credential.pk
    transaction.on_commit(lambda: send_credential_email.enqueue(credential_id, kind))


def _event(
    credential: Credential,
    action: str,
    actor: "User | None",
    *,
    reason: str = "",
    checklist: dict[str, bool] | None = None,
) -> None:
    ReviewEvent.objects.create(
        credential=credential, action=action, actor=actor, reason=reason, checklist=checklist or {}
    )


def _audit(
    actor: "User",
    action: str,
    credential: Credential,
    request: HttpRequest | None,
    **detail: Any,
) -> None:
    record(
        actor,
        f"credential.{action}",
        credential,
        organization=credential.organization,
        request=request,
        detail={"status": credential.status, **detail},
    )


def _locked(credential: Credential) -> Credential:
    return Credential.objects.select_for_update().get(pk=credential.pk)


def _set_status(credential: Credential, status: str) -> None:
    credential.status = status
    credential.status_changed_at = timezone.now()


# --- The holder ---------------------------------------------------------------------------


def credential_submit(
    *,
    holder: "User",
    organization: Organization,
    data: CredentialData,
    upload: InspectedFile | None = None,
    request: HttpRequest | None = None,
) -> Credential:
    """Record a credential (and optionally its first evidence file) for review."""
    scan_status = _scan_or_refuse(upload) if upload is not None else ""
    with transaction.atomic():
        if not Membership.objects.filter(user=holder, organization=organization).exists():
            raise CredentialError(
                _("You can only ask an organization you belong to for a review."),
                status=422,
                code="not_member",
            )
        credential = Credential.objects.create(
            holder=holder, organization=organization, **data.__dict__
        )
        _event(credential, Action.SUBMITTED, holder)
        _audit(holder, "submitted", credential, request, scheme=credential.scheme)
        if upload is not None:
            _store_evidence(credential, holder, upload, scan_status, request)
    return credential


@transaction.atomic
def credential_update(
    *,
    credential: Credential,
    actor: "User",
    data: CredentialData,
    request: HttpRequest | None = None,
) -> Credential:
    credential = _locked(credential)
    if not credential.is_editable():
        raise CredentialError(
            _("A credential in review or verified can no longer be changed."), code="not_editable"
        )
    for name, value in data.__dict__.items():
        setattr(credential, name, value)
    credential.save(update_fields=[*data.__dict__])
    _event(credential, Action.UPDATED, actor)
    _audit(actor, "updated", credential, request)
    return credential


@transaction.atomic
def credential_resubmit(
    *, credential: Credential, actor: "User", request: HttpRequest | None = None
) -> Credential:
    credential = _locked(credential)
    if credential.status not in Credential.RESUBMITTABLE:
        raise CredentialError(
            _("Only a rejected or expired credential can be resubmitted."), code="not_resubmittable"
        )
    if credential.expires_on and credential.expires_on < timezone.localdate():
        raise CredentialError(
            _("The expiry date has passed. Enter the renewed dates before resubmitting."),
            status=422,
            code="expired_dates",
        )
    _set_status(credential, Status.SUBMITTED)
    credential.submitted_at = timezone.now()
    credential.reviewer = None
    credential.reason = ""
    credential.save(
        update_fields=["status", "status_changed_at", "submitted_at", "reviewer", "reason"]
    )
    _event(credential, Action.RESUBMITTED, actor)
    _audit(actor, "resubmitted", credential, request)
    return credential


@transaction.atomic
def credential_delete(
    *, credential: Credential, actor: "User", request: HttpRequest | None = None
) -> None:
    credential = _locked(credential)
    names = list(credential.evidence.values_list("storage_name", flat=True))
    _audit(actor, "deleted", credential, request, scheme=credential.scheme)
    credential.delete()

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def _scan(data: bytes) -> tuple[str, str]:
    """Scan status and detail for new bytes; infected files are refused by the caller."""
    if not clamd.configured():
        return EvidenceFile.Scan.NOT_SCANNED, ""
    try:
        result = clamd.scan_bytes(data)
    except clamd.ScannerUnavailable as exc:
        logger.warning("Virus scanner unavailable; evidence stays pending: %s", exc)
        return EvidenceFile.Scan.PENDING, ""
    if result.clean:
        return EvidenceFile.Scan.CLEAN, ""
    return EvidenceFile.Scan.INFECTED, result.signature


def _scan_or_refuse(upload: InspectedFile) -> str:
    scan_status, signature = _scan(upload.data)
    if scan_status == EvidenceFile.Scan.INFECTED:
        logger.warning("Upload refused by the virus scanner: %s", signature)
        raise CredentialError(
            _("The virus scanner found a threat (%(name)s) in this file. It was not stored.")
            % {"name": signature},
            status=422,
            code="infected",
        )
    return scan_status


def _store_evidence(
    credential: Credential,
    actor: "User",
    upload: InspectedFile,
    scan_status: str,
    request: HttpRequest | None,
) -> EvidenceFile:
    """Write the file and its row; call inside a transaction with the credential locked."""
    if credential.evidence.count() >= MAX_EVIDENCE_FILES:
        raise CredentialError(
            _("A credential can have at most 5 evidence files. Remove one first."),
            status=422,
            code="too_many_files",
        )
    storage_name = storage.save_bytes(upload.data)
    # If the row cannot be written, the file must not stay behind.
    try:
        evidence = EvidenceFile.objects.create(
            credential=credential,
            name=upload.name,
            storage_name=storage_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            pages=upload.pages,
            scan_status=scan_status,
            scanned_at=timezone.now() if scan_status == EvidenceFile.Scan.CLEAN else None,
            uploaded_by=actor,
        )
        _audit(
            actor,
            "evidence_uploaded",
            credential,
            request,
            evidence=evidence.code,
            sha256=upload.sha256,
            scan=scan_status,
        )
    except BaseException:
        storage.delete(storage_name)
        raise
    return evidence


def evidence_add(
    *,
    credential: Credential,
    actor: "User",
    upload: InspectedFile,
    request: HttpRequest | None = None,
) -> EvidenceFile:
    """Store an inspected upload. Scanning happens before the transaction (it may be slow)."""
    scan_status = _scan_or_refuse(upload)
    with transaction.atomic():
        credential = _locked(credential)
        if not credential.is_editable():
            raise CredentialError(
                _("Evidence can only be added while the credential is not in review or verified."),
                code="not_editable",
            )
        return _store_evidence(credential, actor, upload, scan_status, request)


@transaction.atomic
def evidence_delete(
    *, evidence: EvidenceFile, actor: "User", request: HttpRequest | None = None
) -> None:
    credential = _locked(evidence.credential)
    if not credential.is_editable():
        raise CredentialError(
            _("Evidence of a credential in review or verified cannot be removed."),
            code="not_editable",
        )
    storage_name = evidence.storage_name
    _audit(actor, "evidence_deleted", credential, request, evidence=evidence.code)
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(storage_name))


def evidence_record_download(
    *, evidence: EvidenceFile, actor: "User", request: HttpRequest | None = None
) -> None:
    credential = evidence.credential
    _audit(
        actor,
        "evidence_downloaded",
        credential,
        request,
        evidence=evidence.code,
        own=credential.holder_id == actor.pk,
    )


def evidence_scan_pending(*, evidence: EvidenceFile) -> str:
    """Retry the virus scan of one pending file; returns the new scan status."""
    try:
        result = clamd.scan_bytes(storage.read_bytes(evidence.storage_name))
    except (clamd.ScannerUnavailable, FileNotFoundError) as exc:
        logger.warning("Evidence %s still pending: %s", evidence.code, exc)
        return EvidenceFile.Scan.PENDING
    with transaction.atomic():
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
        if evidence.scan_status != EvidenceFile.Scan.PENDING:
            return evidence.scan_status
        evidence.scanned_at = timezone.now()
        if result.clean:
            evidence.scan_status = EvidenceFile.Scan.CLEAN
        else:
            evidence.scan_status = EvidenceFile.Scan.INFECTED
            evidence.scan_detail = result.signature
            storage_name = evidence.storage_name
            transaction.on_commit(lambda: storage.delete(storage_name))
            record(
                None,
                "credential.evidence_infected",
                evidence.credential,
                organization=evidence.credential.organization,
                outcome=AuditEvent.Outcome.FAILURE,
                detail={"evidence": evidence.code, "signature": result.signature},
                actor_label="virus-scanner",
            )
            _email_on_commit(evidence.credential, "evidence_removed")
        evidence.save(update_fields=["scan_status", "scan_detail", "scanned_at"])
    return evidence.scan_status


# --- The reviewer -------------------------------------------------------------------------


def _conflict(credential: Credential) -> CredentialError:
    return CredentialError(
        _("This credential is now “%(status)s”: someone decided it a moment ago. Reload the page.")
        % {"status": credential.get_status_display()},
        code="already_decided",
    )


@transaction.atomic
def credential_start_review(
    *, credential: Credential, reviewer: "User", request: HttpRequest | None = None
) -> Credential:
    credential = _locked(credential)
    if credential.status != Status.SUBMITTED:
        raise _conflict(credential)
    _set_status(credential, Status.IN_REVIEW)
    credential.reviewer = reviewer
    credential.save(update_fields=["status", "status_changed_at", "reviewer"])
    _event(credential, Action.REVIEW_STARTED, reviewer)
    _audit(reviewer, "review_started", credential, request)
    return credential


def _has_grounds(credential: Credential) -> bool:
    visible = credential.evidence.filter(scan_status__in=EvidenceFile.VISIBLE_TO_REVIEWERS)
    return visible.exists() or credential.register_checks.exists()


@transaction.atomic
def credential_decide(
    *,
    credential: Credential,
    reviewer: "User",
    decision: str,
    reason: str,
    checklist: dict[str, bool],
    request: HttpRequest | None = None,
) -> Credential:
    """Verify, or reject (proposed first when the organization wants four eyes)."""
    credential = _locked(credential)
    if credential.status not in Credential.REVIEWABLE:
        raise _conflict(credential)
    if credential.pending_action:
        raise CredentialError(
            _("A rejection is waiting for a second reviewer. Confirm or decline it first."),
            code="pending_second_review",
        )
    now = timezone.now()
    ticked = {key: bool(checklist.get(key)) for key in CHECKLIST_KEYS}
    if decision == "verify":
        if not all(ticked.values()):
            raise CredentialError(
                _("Tick every item of the checklist to verify."), status=422, code="checklist"
            )
        if credential.expires_on and credential.expires_on < timezone.localdate():
            raise CredentialError(
                _("This credential has already expired and cannot be verified."),
                status=422,
                code="expired_dates",
            )
        if not _has_grounds(credential):
            raise CredentialError(
                _("Record a register check or open clean evidence before verifying."),
                status=422,
                code="no_evidence",
            )
        _set_status(credential, Status.VERIFIED)
        credential.decided_by, credential.decided_at = reviewer, now
        credential.second_reviewer = None
        credential.reason, credential.checklist = reason, ticked
        credential.save(
            update_fields=[
                "status",
                "status_changed_at",
                "decided_by",
                "decided_at",
                "second_reviewer",
                "reason",
                "checklist",
            ]
        )
        _event(credential, Action.VERIFIED, reviewer, reason=reason, checklist=ticked)
        _audit(reviewer, "verified", credential, request)
        _email_on_commit(credential, "verified")
        return credential
    if decision != "reject":
        raise CredentialError(_("Unknown decision."), status=422, code="invalid")
    if len(reason.strip()) < 10:
        raise CredentialError(
            _("Give the person a reason they can act on (at least 10 characters)."),
            status=422,
            code="reason_required",
        )
    if credential.status == Status.SUBMITTED:
        credential.reviewer = reviewer
    if four_eyes_required(credential.organization):
        _propose(credential, reviewer, Pending.REJECT, reason, ticked)
        _set_status(credential, Status.IN_REVIEW)
        credential.save(update_fields=["status", "status_changed_at", "reviewer"])
        _event(credential, Action.REJECTION_PROPOSED, reviewer, reason=reason, checklist=ticked)
        _audit(reviewer, "rejection_proposed", credential, request)
        return credential
    _finish(credential, Status.REJECTED, first=reviewer, second=None, reason=reason, checks=ticked)
    credential.save()
    _event(credential, Action.REJECTED, reviewer, reason=reason, checklist=ticked)
    _audit(reviewer, "rejected", credential, request)
    _email_on_commit(credential, "rejected")
    return credential


def _propose(
    credential: Credential, reviewer: "User", action: str, reason: str, checks: dict[str, bool]
) -> None:
    credential.pending_action = action
    credential.pending_by = reviewer
    credential.pending_reason = reason
    credential.pending_checklist = checks
    credential.pending_at = timezone.now()
    credential.save(
        update_fields=[
            "pending_action",
            "pending_by",
            "pending_reason",
            "pending_checklist",
            "pending_at",
        ]
    )


def _clear_pending(credential: Credential) -> None:
    credential.pending_action = Pending.NONE
    credential.pending_by = None
    credential.pending_reason = ""
    credential.pending_checklist = {}
    credential.pending_at = None


def _finish(
    credential: Credential,
    status: str,
    *,
    first: "User | None",
    second: "User | None",
    reason: str,
    checks: dict[str, bool],
) -> None:
    now = timezone.now()
    _set_status(credential, status)
    credential.decided_by, credential.second_reviewer, credential.decided_at = first, second, now
    credential.reason, credential.checklist = reason, checks
    if status == Status.REVOKED:
        credential.revoked_at = now
    _clear_pending(credential)


@transaction.atomic
def credential_revoke(
    *, credential: Credential, reviewer: "User", reason: str, request: HttpRequest | None = None
) -> Credential:
    """Revoke a verified credential; with four eyes it is suspended until confirmed."""
    credential = _locked(credential)
    if credential.status != Status.VERIFIED or credential.pending_action:
        raise _conflict(credential)
    if len(reason.strip()) < 10:
        raise CredentialError(
            _("Say why the credential is revoked (at least 10 characters)."),
            status=422,
            code="reason_required",
        )
    if four_eyes_required(credential.organization):
        # A proposed revocation hides the mentor from matching at once (see valid()).
        _propose(credential, reviewer, Pending.REVOKE, reason, {})
        _event(credential, Action.REVOCATION_PROPOSED, reviewer, reason=reason)
        _audit(reviewer, "revocation_proposed", credential, request)
        return credential
    _finish(credential, Status.REVOKED, first=reviewer, second=None, reason=reason, checks={})
    credential.save()
    _event(credential, Action.REVOKED, reviewer, reason=reason)
    _audit(reviewer, "revoked", credential, request)
    _email_on_commit(credential, "revoked")
    return credential


@transaction.atomic
def credential_second_review(
    *,
    credential: Credential,
    reviewer: "User",
    confirm: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> Credential:
    """Confirm or decline a proposed rejection or revocation."""
    credential = _locked(credential)
    action = credential.pending_action
    if not action:
        raise _conflict(credential)
    if confirm and credential.pending_by_id == reviewer.pk:
        raise CredentialError(
            _("A second reviewer must confirm: you proposed this yourself."),
            status=403,
            code="four_eyes",
        )
    if not confirm:
        _clear_pending(credential)
        credential.save()
        _event(credential, Action.PROPOSAL_DECLINED, reviewer, reason=note)
        _audit(reviewer, "proposal_declined", credential, request, proposal=action)
        return credential
    status = Status.REJECTED if action == Pending.REJECT else Status.REVOKED
    reason = credential.pending_reason
    checks = credential.pending_checklist
    _finish(
        credential,
        status,
        first=credential.pending_by,
        second=reviewer,
        reason=reason,
        checks=checks,
    )
    credential.save()
    event = Action.REJECTED if status == Status.REJECTED else Action.REVOKED
    _event(credential, event, reviewer, reason=reason, checklist=checks)
    _audit(reviewer, str(status), credential, request, four_eyes=True)
    _email_on_commit(credential, str(status))
    return credential


@transaction.atomic
def register_check_record(
    *,
    credential: Credential,
    reviewer: "User",
    outcome: str,
    note: str,
    request: HttpRequest | None = None,
) -> RegisterCheck:
    """What the reviewer saw on the register's own website."""
    check = RegisterCheck.objects.create(
        credential=credential, source="manual", outcome=outcome, note=note, performed_by=reviewer
    )
    _audit(reviewer, "register_checked", credential, request, outcome=outcome, source="manual")
    return check


def register_lookup(
    *, credential: Credential, reviewer: "User", request: HttpRequest | None = None
) -> RegisterCheck:
    """Ask the register's API (outside any transaction: it is a network call)."""
    scheme = get_scheme(credential.scheme)
    adapter = adapter_for(scheme.lookup_source) if scheme else None
    if adapter is None:
        raise CredentialError(
            _("No automatic register lookup is available for this credential."),
            status=422,
            code="no_lookup",
        )
    result = adapter.lookup(credential.number, holder_name=credential.holder.full_name)
    with transaction.atomic():
        check = RegisterCheck.objects.create(
            credential=credential,
            source=adapter.source,
            outcome=result.outcome,
            summary=result.summary,
            performed_by=reviewer,
        )
        _audit(
            reviewer,
            "register_lookup",
            credential,
            request,
            outcome=result.outcome,
            source=adapter.source,
        )
    return check


@transaction.atomic
def review_policy_set(
    *,
    organization: Organization,
    actor: "User",
    four_eyes: bool,
    request: HttpRequest | None = None,
) -> ReviewPolicy:
    policy, _created = ReviewPolicy.objects.update_or_create(
        organization=organization, defaults={"four_eyes": four_eyes}
    )
    record(
        actor,
        "credential.review_policy_changed",
        policy,
        organization=organization,
        request=request,
        detail={"four_eyes": four_eyes},
    )
    return policy


# --- Expiry -------------------------------------------------------------------------------


@transaction.atomic
def credential_expire(*, credential: Credential, today: datetime.date) -> bool:
    credential = _locked(credential)
    if credential.status != Status.VERIFIED or not credential.expires_on:
        return False
    if credential.expires_on >= today:
        return False
    _set_status(credential, Status.EXPIRED)
    _clear_pending(credential)
    credential.save()
    _event(credential, Action.EXPIRED, None)
    record(
        None,
        "credential.expired",
        credential,
        organization=credential.organization,
        detail={"expires_on": credential.expires_on.isoformat()},
        actor_label="credentials_expire",
    )
    _email_on_commit(credential, "expired")
    return True


def reminder_due(credential: Credential, today: datetime.date) -> int | None:
    """Which reminder (30 or 7 days before) is due today, if any. Only the nearest is sent."""
    if credential.expires_on is None or credential.expires_on < today:
        return None
    days_left = (credential.expires_on - today).days
    due = [days for days in REMINDER_DAYS if days_left <= days]
    return min(due) if due else None


@transaction.atomic
def credential_remind(*, credential: Credential, today: datetime.date) -> bool:
    days = reminder_due(credential, today)
    if days is None or credential.expires_on is None:
        return False
    _notice, created = ExpiryNotice.objects.get_or_create(
        credential=credential, days_before=days, expires_on=credential.expires_on
    )
    if created:
        _email_on_commit(credential, f"expiring_{days}")
    return created
