"""Credentials API: the same gates and services as the pages."""

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from carementor.audit.services import record
from carementor.credentials import services
from carementor.credentials.forms import check_values
from carementor.credentials.models import (
    Credential,
    EvidenceFile,
    RegisterCheck,
    ReviewEvent,
    four_eyes_required,
)
from carementor.credentials.permissions import (
    get_credential_for,
    get_evidence_for,
    get_review_credential_for,
    get_review_organization_for,
    get_review_policy_organization_for,
    review_queue,
    reviewable_credentials,
    reviewer_organizations,
)
from carementor.credentials.registers import adapter_for
from carementor.credentials.schemas import (
    CredentialDecideIn,
    CredentialIn,
    CredentialOut,
    CredentialPageOut,
    CredentialRevokeIn,
    CredentialUpdateIn,
    EvidenceOut,
    PageParams,
    PolicyIn,
    PolicyOut,
    QueueFilters,
    QueuePageOut,
    RegisterCheckIn,
    RegisterCheckOut,
    ReviewCredentialOut,
    ReviewOrganizationOut,
    SchemeOut,
    SecondReviewIn,
    ValidateIn,
    ValidateOut,
)
from carementor.credentials.schemes import SCHEMES, validate_number
from carementor.credentials.services import CredentialData
from carementor.credentials.uploads import inspect_upload, read_upload
from carementor.credentials.views import evidence_response
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.organizations.models import Organization

router = Router(tags=["credentials"])

UPLOAD_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 413: ErrorOut}


def _user(request: HttpRequest) -> Any:
    return request.user


# --- Serializers --------------------------------------------------------------------------


def _person(user: Any) -> dict[str, str] | None:
    return {"code": user.code, "full_name": user.get_full_name()} if user else None


def _evidence(item: EvidenceFile) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "content_type": item.content_type,
        "size": item.size,
        "pages": item.pages,
        "scan_status": item.scan_status,
        "uploaded_at": item.uploaded_at,
    }


def _own(credential: Credential) -> dict[str, Any]:
    final = credential.status in (Credential.Status.REJECTED, Credential.Status.REVOKED)
    return {
        "code": credential.code,
        "organization": {
            "code": credential.organization.code,
            "name": credential.organization.name,
        },
        "scheme": credential.scheme,
        "scheme_label": credential.scheme_label,
        "number": credential.number,
        "title": credential.title,
        "issuing_body": credential.issuing_body,
        "jurisdiction": credential.jurisdiction,
        "issued_on": credential.issued_on,
        "expires_on": credential.expires_on,
        "status": credential.status,
        "pending_action": credential.pending_action,
        "reason": credential.reason if final else "",
        "submitted_at": credential.submitted_at,
        "decided_at": credential.decided_at,
        "valid": credential.is_valid(),
        "evidence": [_evidence(item) for item in credential.evidence.all()],
    }


def _review(credential: Credential) -> dict[str, Any]:
    evidence = list(credential.evidence.all())
    scheme = credential.scheme_info
    checks: list[RegisterCheck] = list(credential.register_checks.select_related("performed_by"))
    events: list[ReviewEvent] = list(credential.events.select_related("actor"))
    holder = credential.holder
    return {
        "code": credential.code,
        "organization": {
            "code": credential.organization.code,
            "name": credential.organization.name,
        },
        "holder": {"code": holder.code, "full_name": holder.get_full_name(), "email": holder.email},
        "scheme": credential.scheme,
        "scheme_label": credential.scheme_label,
        "number": credential.number,
        "title": credential.title,
        "issuing_body": credential.issuing_body,
        "jurisdiction": credential.jurisdiction,
        "issued_on": credential.issued_on,
        "expires_on": credential.expires_on,
        "status": credential.status,
        "pending_action": credential.pending_action,
        "pending_by": _person(credential.pending_by),
        "pending_reason": credential.pending_reason,
        "reason": credential.reason,
        "checklist": credential.checklist,
        "submitted_at": credential.submitted_at,
        "days_waiting": credential.days_waiting(),
        "decided_by": _person(credential.decided_by),
        "second_reviewer": _person(credential.second_reviewer),
        "decided_at": credential.decided_at,
        "register_url": scheme.register_url,
        "lookup_available": adapter_for(scheme.lookup_source) is not None,
        "evidence": [_evidence(item) for item in evidence if item.is_visible_to_reviewers()],
        "evidence_pending_scan": sum(
            item.scan_status == EvidenceFile.Scan.PENDING for item in evidence
        ),
        "register_checks": [
            {
                "source": check.source,
                "outcome": check.outcome,
                "summary": check.summary,
                "note": check.note,
                "performed_by": _person(check.performed_by),
                "performed_at": check.performed_at,
            }
            for check in checks
        ],
        "events": [
            {
                "action": event.action,
                "actor": _person(event.actor),
                "reason": event.reason,
                "at": event.at,
            }
            for event in events
        ],
    }


def _reviewed(request: HttpRequest, code: str) -> dict[str, Any]:
    return _review(get_review_credential_for(_user(request), code))


def _checked_data(payload: CredentialIn | CredentialUpdateIn) -> CredentialData:
    number, errors = check_values(
        payload.scheme, payload.number, payload.jurisdiction, payload.issued_on, payload.expires_on
    )
    if payload.scheme not in SCHEMES:
        errors["scheme"] = ["Unknown credential scheme."]
    if errors:
        raise ApiError(
            422,
            "The credential is not valid.",
            "invalid",
            [{"loc": [field], "msg": " ".join(msgs)} for field, msgs in errors.items()],
        )
    return CredentialData(
        scheme=payload.scheme,
        number=number,
        title=payload.title.strip(),
        issuing_body=payload.issuing_body.strip(),
        jurisdiction=payload.jurisdiction.strip(),
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
    )


# --- Everyone -----------------------------------------------------------------------------


@router.get("/schemes", response={200: list[SchemeOut], **READ_ERRORS})
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every credential scheme, with its format hint and the register to check it on."""
    return [
        {
            "code": scheme.code,
            "label": str(scheme.label),
            "kind": str(scheme.kind),
            "country": scheme.country,
            "number_hint": str(scheme.number_hint),
            "issuing_body": scheme.issuing_body,
            "register_name": scheme.register_name,
            "register_url": scheme.register_url,
            "number_optional": scheme.number_optional,
            "jurisdiction_required": scheme.jurisdiction_required,
            "lookup_available": adapter_for(scheme.lookup_source) is not None,
        }
        for scheme in SCHEMES.values()
    ]


@router.post("/validate", response={200: ValidateOut, **WRITE_ERRORS})
def validate(request: HttpRequest, payload: ValidateIn) -> dict[str, Any]:
    """Check and normalize a number for a scheme; writes nothing."""
    result = validate_number(payload.scheme, payload.number, payload.jurisdiction)
    return {"valid": result.valid, "normalized": result.normalized, "errors": result.errors}


@router.get("/review-queues", response={200: list[ReviewOrganizationOut], **READ_ERRORS})
def review_organizations(request: HttpRequest) -> list[dict[str, Any]]:
    """The organizations whose queue you review, with how many credentials wait."""
    user = _user(request)
    waiting = reviewable_credentials(user).awaiting_review()
    return [
        {
            "code": organization.code,
            "name": organization.name,
            "waiting": waiting.filter(organization=organization).count(),
            "four_eyes": four_eyes_required(organization),
        }
        for organization in reviewer_organizations(user)
    ]


# --- The holder ---------------------------------------------------------------------------


@router.get("", response={200: CredentialPageOut, **READ_ERRORS})
def list_mine(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    credentials = (
        Credential.objects.filter(holder=_user(request))
        .select_related("organization")
        .prefetch_related("evidence")
        .order_by("-submitted_at", "-id")
    )
    window = credentials[params.offset : params.offset + params.limit]
    return {"count": credentials.count(), "items": [_own(c) for c in window]}


@router.post("", response={201: CredentialOut, **WRITE_ERRORS})
def submit(request: HttpRequest, payload: CredentialIn) -> Status:
    """Record a credential for review by one of your organizations; add evidence next."""
    organization = Organization.objects.filter(
        code=payload.organization, memberships__user=_user(request)
    ).first()
    if organization is None:
        raise ApiError(422, "You are not a member of that organization.", "not_member")
    data = _checked_data(payload)
    credential = services.credential_submit(
        holder=_user(request), organization=organization, data=data, request=request
    )
    return Status(201, _own(credential))


@router.get("/{code}", response={200: CredentialOut, **READ_ERRORS})
def get_mine(request: HttpRequest, code: str) -> dict[str, Any]:
    return _own(get_credential_for(_user(request), code))


@router.put("/{code}", response={200: CredentialOut, **WRITE_ERRORS})
def update(request: HttpRequest, code: str, payload: CredentialUpdateIn) -> dict[str, Any]:
    credential = get_credential_for(_user(request), code, write=True)
    data = _checked_data(payload)
    credential = services.credential_update(
        credential=credential, actor=_user(request), data=data, request=request
    )
    return _own(credential)


@router.delete("/{code}", response={204: None, **WRITE_ERRORS})
def delete(request: HttpRequest, code: str) -> Status:
    credential = get_credential_for(_user(request), code, write=True)
    services.credential_delete(credential=credential, actor=_user(request), request=request)
    return Status(204, None)


@router.post("/{code}/resubmit", response={200: CredentialOut, **WRITE_ERRORS})
def resubmit(request: HttpRequest, code: str) -> dict[str, Any]:
    credential = get_credential_for(_user(request), code, write=True)
    credential = services.credential_resubmit(
        credential=credential, actor=_user(request), request=request
    )
    return _own(credential)


@router.post("/{code}/evidence", response={201: EvidenceOut, **UPLOAD_ERRORS})
def upload_evidence(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status:
    """Upload a PDF, PNG or JPEG (10 MB at most) as multipart form data, field `file`."""
    credential = get_credential_for(_user(request), code, write=True)
    inspected = inspect_upload(file.name or "", read_upload(file))
    evidence = services.evidence_add(
        credential=credential, actor=_user(request), upload=inspected, request=request
    )
    return Status(201, _evidence(evidence))


@router.get("/{code}/evidence/{evidence_code}", response={200: None, **READ_ERRORS})
def download_evidence(request: HttpRequest, code: str, evidence_code: str) -> HttpResponseBase:
    """The file as an attachment (holder, or a reviewer once the virus scan passed). Audited."""
    evidence = get_evidence_for(_user(request), code, evidence_code)
    services.evidence_record_download(evidence=evidence, actor=_user(request), request=request)
    return evidence_response(evidence)


@router.delete("/{code}/evidence/{evidence_code}", response={204: None, **WRITE_ERRORS})
def delete_evidence(request: HttpRequest, code: str, evidence_code: str) -> Status:
    credential = get_credential_for(_user(request), code, write=True)
    evidence = get_object_or_404(EvidenceFile, credential=credential, code=evidence_code)
    services.evidence_delete(evidence=evidence, actor=_user(request), request=request)
    return Status(204, None)


# --- The reviewer -------------------------------------------------------------------------


@router.get("/review-queues/{org_code}", response={200: QueuePageOut, **READ_ERRORS})
def queue(request: HttpRequest, org_code: str, filters: Query[QueueFilters]) -> dict[str, Any]:
    """One organization's queue, oldest first."""
    organization = get_review_organization_for(_user(request), org_code)
    credentials = review_queue(
        _user(request),
        organization,
        status=filters.status,
        scheme=filters.scheme,
        q=filters.q,
        older_than=filters.older_than,
    )
    window = credentials[filters.offset : filters.offset + filters.limit]
    return {
        "count": credentials.count(),
        "items": [
            {
                "code": c.code,
                "holder": _person(c.holder),
                "scheme": c.scheme,
                "scheme_label": c.scheme_label,
                "status": c.status,
                "pending_action": c.pending_action,
                "submitted_at": c.submitted_at,
                "days_waiting": c.days_waiting(),
                "evidence_count": c.evidence_count,  # type: ignore[attr-defined]
            }
            for c in window
        ],
    }


@router.put("/review-queues/{org_code}/policy", response={200: PolicyOut, **WRITE_ERRORS})
def set_policy(request: HttpRequest, org_code: str, payload: PolicyIn) -> dict[str, Any]:
    """Organization admins: require a second reviewer for rejections and revocations."""
    organization = get_review_policy_organization_for(_user(request), org_code)
    policy = services.review_policy_set(
        organization=organization,
        actor=_user(request),
        four_eyes=payload.four_eyes,
        request=request,
    )
    return {"four_eyes": policy.four_eyes}


@router.get("/review/{code}", response={200: ReviewCredentialOut, **READ_ERRORS})
def review_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """A credential as its reviewers see it (the read is audited)."""
    credential = get_review_credential_for(_user(request), code)
    record(
        _user(request),
        "credential.review_viewed",
        credential,
        organization=credential.organization,
        request=request,
    )
    return _review(credential)


@router.post("/review/{code}/start", response={200: ReviewCredentialOut, **WRITE_ERRORS})
def review_start(request: HttpRequest, code: str) -> dict[str, Any]:
    credential = get_review_credential_for(_user(request), code)
    services.credential_start_review(
        credential=credential, reviewer=_user(request), request=request
    )
    return _reviewed(request, code)


@router.post("/review/{code}/decide", response={200: ReviewCredentialOut, **WRITE_ERRORS})
def review_decide(request: HttpRequest, code: str, payload: CredentialDecideIn) -> dict[str, Any]:
    """Verify (every checklist item true) or reject (reason required; may need a second
    reviewer). A credential decided a moment ago by someone else answers 409."""
    credential = get_review_credential_for(_user(request), code)
    services.credential_decide(
        credential=credential,
        reviewer=_user(request),
        decision=payload.decision,
        reason=payload.reason,
        checklist=payload.checklist,
        request=request,
    )
    return _reviewed(request, code)


@router.post("/review/{code}/revoke", response={200: ReviewCredentialOut, **WRITE_ERRORS})
def review_revoke(request: HttpRequest, code: str, payload: CredentialRevokeIn) -> dict[str, Any]:
    credential = get_review_credential_for(_user(request), code)
    services.credential_revoke(
        credential=credential, reviewer=_user(request), reason=payload.reason, request=request
    )
    return _reviewed(request, code)


@router.post("/review/{code}/second-review", response={200: ReviewCredentialOut, **WRITE_ERRORS})
def review_second(request: HttpRequest, code: str, payload: SecondReviewIn) -> dict[str, Any]:
    """Confirm (a different reviewer) or decline a proposed rejection or revocation."""
    credential = get_review_credential_for(_user(request), code)
    services.credential_second_review(
        credential=credential,
        reviewer=_user(request),
        confirm=payload.confirm,
        note=payload.note,
        request=request,
    )
    return _reviewed(request, code)


@router.post("/review/{code}/lookup", response={201: RegisterCheckOut, **WRITE_ERRORS})
def review_lookup(request: HttpRequest, code: str) -> Status:
    """Ask the issuing register's API (NPPES for NPIs, when enabled)."""
    credential = get_review_credential_for(_user(request), code)
    check = services.register_lookup(
        credential=credential, reviewer=_user(request), request=request
    )
    return Status(201, _check(check))


@router.post("/review/{code}/checks", response={201: RegisterCheckOut, **WRITE_ERRORS})
def review_check(request: HttpRequest, code: str, payload: RegisterCheckIn) -> Status:
    """Record what you saw on the register's own website."""
    credential = get_review_credential_for(_user(request), code)
    check = services.register_check_record(
        credential=credential,
        reviewer=_user(request),
        outcome=payload.outcome,
        note=payload.note,
        request=request,
    )
    return Status(201, _check(check))


def _check(check: RegisterCheck) -> dict[str, Any]:
    return {
        "source": check.source,
        "outcome": check.outcome,
        "summary": check.summary,
        "note": check.note,
        "performed_by": _person(check.performed_by),
        "performed_at": check.performed_at,
    }
