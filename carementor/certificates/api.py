"""Certificates and CPD API: the same gates and services as the pages
(mounted at /api/v1/certificates). Verification by code is the one public operation."""

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from carementor.accounts.models import User
from carementor.certificates import services
from carementor.certificates.completion import Checklist, checklists_for, programs_of
from carementor.certificates.cpd import cpd_csv, cpd_entries, evidence_of
from carementor.certificates.models import (
    Certificate,
    CertificateSettings,
    CompletionRule,
    CpdEntry,
    Role,
)
from carementor.certificates.overview import overview, participants
from carementor.certificates.pdf import certificate_pdf, cpd_log_pdf
from carementor.certificates.permissions import (
    get_certificate_for,
    get_cpd_entry_for,
    get_settings_organization_for,
)
from carementor.certificates.schemas import (
    CertificateOut,
    CertificatePageOut,
    CertificateProgressOut,
    CertificateRevokeIn,
    CpdEntryIn,
    CpdEntryOut,
    CpdPageOut,
    IssueOut,
    PageParams,
    ParticipantCompletionPageOut,
    ProgressPageOut,
    ProgressParams,
    RuleIn,
    RuleOut,
    SettingsIn,
    SettingsOut,
    VerificationOut,
)
from carementor.certificates.verification import allow_lookup, find
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.programs.permissions import get_program_for

router = Router(tags=["certificates"])

PDF_RESPONSE: dict[str, Any] = {"responses": {200: {"content": {"application/pdf": {}}}}}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _role(role: str) -> str:
    if role not in Role.values:
        raise ApiError(404, "Not found.", "not_found")
    return role


def certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "code": c.code,
        "holder_name": c.holder_name,
        "program": c.program.code,
        "program_name": c.program_name,
        "organization_name": c.organization_name,
        "role": c.role,
        "started_on": c.started_on,
        "completed_on": c.completed_on,
        "issued_at": c.issued_at,
        "cpd_hours": c.cpd_hours,
        "status": c.status,
        "revoked_at": c.revoked_at,
        "verification_url": c.verification_url(),
    }


def checklist_out(c: Checklist, certificates: dict[tuple[int, str], str]) -> dict[str, Any]:
    return {
        "program": c.program.code,
        "program_name": c.program.name,
        "role": c.role,
        "has_rule": c.has_rule,
        "complete": c.complete,
        "items": [
            {
                "key": i.key,
                "label": i.label,
                "done": i.done,
                "progress": i.progress,
                "remaining": list(i.remaining),
            }
            for i in c.items
        ],
        "certificate": certificates.get((c.program.pk, c.role)),
    }


def _progress(user: User, programs: list[Any]) -> list[dict[str, Any]]:
    issued = {
        (c.program_id, c.role): c.code
        for c in Certificate.objects.valid().filter(holder=user, program__in=programs)
    }
    return [
        {
            "program": p.code,
            "program_name": p.name,
            "organization": p.organization.code,
            "checklists": [checklist_out(c, issued) for c in checklists_for(user, p)],
        }
        for p in programs
    ]


def rule_out(r: CompletionRule) -> dict[str, Any]:
    return {
        "role": r.role,
        "updated_at": r.updated_at,
        **{name: getattr(r, name) for name in services.RULE_FIELDS},
    }


def cpd_out(e: CpdEntry) -> dict[str, Any]:
    return {
        "code": e.code,
        "date": e.date,
        "activity": e.activity,
        "hours": e.hours,
        "source": e.source,
        "counted": not e.is_void,
        "evidence": evidence_of(e),
        "certificate": e.certificate.code if e.certificate else None,
    }


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Completion ------------------------------------------------------------------------------


@router.get("/progress", response={200: ProgressPageOut, **READ_ERRORS})
def list_progress(request: HttpRequest, params: Query[ProgressParams]) -> dict[str, Any]:
    """My checklist in every programme I take part in."""
    programs = programs_of(_user(request))
    chosen = programs[params.offset : params.offset + params.limit]
    return {"count": len(programs), "items": _progress(_user(request), chosen)}


@router.get("/progress/{code}", response={200: CertificateProgressOut, **READ_ERRORS})
def get_progress(request: HttpRequest, code: str) -> dict[str, Any]:
    """My checklist per role in one programme: what is done and what remains."""
    program = get_program_for(_user(request), code)
    return _progress(_user(request), [program])[0]


@router.post("/progress/{code}/check", response={200: list[CertificateOut], **WRITE_ERRORS})
def check_now(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Issue whatever I have completed now; returns the certificates issued by this call."""
    program = get_program_for(_user(request), code)
    issued = services.certificates_check(user=_user(request), program=program, actor=_user(request))
    return [certificate_out(c) for c in issued]


@router.get("/programs/{code}/rules", response={200: list[RuleOut], **READ_ERRORS})
def list_rules(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    program = get_program_for(_user(request), code, manage=True)
    return [rule_out(r) for r in CompletionRule.objects.filter(program=program)]


@router.put("/programs/{code}/rules/{role}", response={200: RuleOut, **WRITE_ERRORS})
def put_rule(request: HttpRequest, code: str, role: str, payload: RuleIn) -> dict[str, Any]:
    program = get_program_for(_user(request), code, manage=True)
    rule = services.rule_set(
        program=program,
        role=_role(role),
        actor=_user(request),
        data=payload.dict(),
        request=request,
    )
    rule.refresh_from_db()
    return rule_out(rule)


@router.delete("/programs/{code}/rules/{role}", response={204: None, **WRITE_ERRORS})
def delete_rule(request: HttpRequest, code: str, role: str) -> Status:
    program = get_program_for(_user(request), code, manage=True)
    if not services.rule_delete(
        program=program, role=_role(role), actor=_user(request), request=request
    ):
        raise ApiError(404, "Not found.", "not_found")
    return Status(204, None)


@router.get(
    "/programs/{code}/completion",
    response={200: ParticipantCompletionPageOut, **READ_ERRORS},
)
def program_completion(
    request: HttpRequest, code: str, params: Query[PageParams]
) -> dict[str, Any]:
    """Every participant's checklist (coordinators), in a fixed number of queries a page."""
    program = get_program_for(_user(request), code, manage=True)
    pairs = participants(program)
    rows = overview(program, pairs[params.offset : params.offset + params.limit])
    return {
        "count": pairs.count(),
        "items": [
            {
                "user": row.user.code,
                "full_name": row.user.full_name,
                "checklist": checklist_out(
                    row.checklist,
                    {(program.pk, row.checklist.role): row.certificate.code}
                    if row.certificate and row.certificate.is_valid
                    else {},
                ),
            }
            for row in rows
        ],
    }


@router.post("/programs/{code}/issue", response={200: IssueOut, **WRITE_ERRORS})
def issue_now(request: HttpRequest, code: str) -> dict[str, int]:
    """Issue now every certificate the programme's rules allow (coordinators). The scheduled
    `certificates_issue` command does the same for every programme."""
    program = get_program_for(_user(request), code, manage=True)
    report = services.certificates_issue_pending(program=program, actor=_user(request))
    return {"checked": report.checked, "issued": report.issued}


@router.get("/programs/{code}/certificates", response={200: CertificatePageOut, **READ_ERRORS})
def program_certificates(
    request: HttpRequest, code: str, params: Query[PageParams]
) -> dict[str, Any]:
    """Certificates issued in a programme (its coordinators)."""
    program = get_program_for(_user(request), code, manage=True)
    qs = (
        Certificate.objects.filter(program=program)
        .select_related("program")
        .order_by("-issued_at", "-id")
    )
    items = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "items": [certificate_out(c) for c in items]}


# --- Certificate settings --------------------------------------------------------------------


def _settings_out(organization: Any) -> dict[str, Any]:
    found = CertificateSettings.objects.filter(organization=organization).first()
    return {
        "organization": organization.code,
        "signatory_name": found.signatory_name if found else "",
        "signatory_title": found.signatory_title if found else "",
        "has_logo": bool(found and found.logo),
    }


@router.get("/settings/{org}", response={200: SettingsOut, **READ_ERRORS})
def get_settings(request: HttpRequest, org: str) -> dict[str, Any]:
    return _settings_out(get_settings_organization_for(_user(request), org))


@router.put("/settings/{org}", response={200: SettingsOut, **WRITE_ERRORS})
def put_settings(request: HttpRequest, org: str, payload: SettingsIn) -> dict[str, Any]:
    organization = get_settings_organization_for(_user(request), org)
    services.settings_update(
        organization=organization,
        actor=_user(request),
        signatory_name=payload.signatory_name,
        signatory_title=payload.signatory_title,
        request=request,
    )
    return _settings_out(organization)


@router.post("/settings/{org}/logo", response={200: SettingsOut, 413: ErrorOut, **WRITE_ERRORS})
def put_logo(request: HttpRequest, org: str, file: File[UploadedFile]) -> dict[str, Any]:
    """Upload the logo: PNG or JPEG, 512 KB and 2000 pixels a side at most."""
    organization = get_settings_organization_for(_user(request), org)
    found = CertificateSettings.objects.filter(organization=organization).first()
    if file.size and file.size > services.LOGO_MAX_BYTES:
        raise ApiError(413, "The logo is larger than 512 KB.", "too_large")
    services.settings_update(
        organization=organization,
        actor=_user(request),
        signatory_name=found.signatory_name if found else "",
        signatory_title=found.signatory_title if found else "",
        logo=(file.name or "logo", file.read(services.LOGO_MAX_BYTES + 1)),
        request=request,
    )
    return _settings_out(organization)


@router.delete("/settings/{org}/logo", response={200: SettingsOut, **WRITE_ERRORS})
def delete_logo(request: HttpRequest, org: str) -> dict[str, Any]:
    organization = get_settings_organization_for(_user(request), org)
    found = CertificateSettings.objects.filter(organization=organization).first()
    services.settings_update(
        organization=organization,
        actor=_user(request),
        signatory_name=found.signatory_name if found else "",
        signatory_title=found.signatory_title if found else "",
        remove_logo=True,
        request=request,
    )
    return _settings_out(organization)


# --- Certificates ----------------------------------------------------------------------------


@router.get("/mine", response={200: CertificatePageOut, **READ_ERRORS})
def list_mine(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    qs = Certificate.objects.filter(holder=_user(request)).select_related("program")
    items = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "items": [certificate_out(c) for c in items]}


@router.get("/c/{code}", response={200: CertificateOut, **READ_ERRORS})
def get_certificate(request: HttpRequest, code: str) -> dict[str, Any]:
    return certificate_out(get_certificate_for(_user(request), code))


@router.get(
    "/c/{code}/pdf", response={200: None, 409: ErrorOut, **READ_ERRORS}, openapi_extra=PDF_RESPONSE
)
def download(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as a PDF (holder, or the programme's coordinators)."""
    certificate = get_certificate_for(_user(request), code)
    if not certificate.is_valid:
        raise ApiError(409, "This certificate is no longer valid.", "not_valid")
    return _pdf(certificate_pdf(certificate), f"certificate-{certificate.code}.pdf")


@router.post("/c/{code}/revoke", response={200: CertificateOut, **WRITE_ERRORS})
def revoke(request: HttpRequest, code: str, payload: CertificateRevokeIn) -> dict[str, Any]:
    certificate = get_certificate_for(_user(request), code, manage=True)
    certificate = services.certificate_revoke(
        certificate=certificate, actor=_user(request), reason=payload.reason, request=request
    )
    return certificate_out(certificate)


@router.post("/c/{code}/reissue", response={201: CertificateOut, **WRITE_ERRORS})
def reissue(request: HttpRequest, code: str) -> Status:
    """After a change of name: a new certificate (new code) supersedes this one."""
    certificate = get_certificate_for(_user(request), code)
    if certificate.holder_id != _user(request).pk:
        raise ApiError(404, "Not found.", "not_found")
    new = services.certificate_reissue(
        certificate=certificate, user=_user(request), request=request
    )
    return Status(201, certificate_out(new))


@router.get(
    "/verify/{code}",
    auth=None,
    response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
)
def verify(request: HttpRequest, code: str) -> dict[str, Any]:
    """Public: whether a certificate stands, and what it says. Nothing else. Rate-limited."""
    if not allow_lookup(request):
        raise ApiError(429, "Too many look-ups; wait a minute.", "rate_limited")
    certificate = find(code, request)
    if certificate is None:
        raise ApiError(404, "No certificate has this code.", "not_found")
    return {
        "code": certificate.code,
        "status": certificate.status,
        "holder_name": certificate.holder_name,
        "program_name": certificate.program_name,
        "organization_name": certificate.organization_name,
        "role": certificate.role,
        "started_on": certificate.started_on,
        "completed_on": certificate.completed_on,
        "issued_on": timezone.localdate(certificate.issued_at),
        "revoked_on": timezone.localdate(certificate.revoked_at)
        if certificate.revoked_at
        else None,
        "cpd_hours": certificate.cpd_hours,
    }


# --- CPD log ---------------------------------------------------------------------------------


@router.get("/cpd", response={200: CpdPageOut, **READ_ERRORS})
def list_cpd(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    qs = cpd_entries(_user(request))
    items = qs[params.offset : params.offset + params.limit]
    return {
        "count": qs.count(),
        "total_hours": services.cpd_totals(_user(request))["total"],
        "items": [cpd_out(e) for e in items],
    }


@router.post("/cpd", response={201: CpdEntryOut, **WRITE_ERRORS})
def add_cpd(request: HttpRequest, payload: CpdEntryIn) -> Status:
    """Add an activity from outside CareMentor to my CPD log."""
    entry = services.cpd_add(user=_user(request), request=request, **payload.dict())
    return Status(201, cpd_out(entry))


@router.delete("/cpd/{code}", response={204: None, **WRITE_ERRORS})
def delete_cpd(request: HttpRequest, code: str) -> Status:
    entry = get_cpd_entry_for(_user(request), code)
    services.cpd_delete(entry=entry, user=_user(request), request=request)
    return Status(204, None)


@router.get(
    "/cpd-export/csv",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def export_cpd_csv(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    cpd_csv(_user(request), csv.writer(buffer))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-log.csv"'
    return response


@router.get("/cpd-export/pdf", response={200: None, **READ_ERRORS}, openapi_extra=PDF_RESPONSE)
def export_cpd_pdf(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _pdf(
        cpd_log_pdf(user, list(cpd_entries(user)), services.cpd_totals(user)), "cpd-log.pdf"
    )
