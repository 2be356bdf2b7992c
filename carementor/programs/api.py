"""Programmes API: the same gates and services as the pages (mounted at /api/v1/programs)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from carementor.accounts.models import User
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.matching import services as matching
from carementor.matching.api import router as matching_router
from carementor.matching.mentorships_bridge import roles_at_limit
from carementor.matching.models import MatchRequest
from carementor.matching.permissions import get_request_for
from carementor.matching.suggestions import mentor_enrollments, suggest
from carementor.organizations.permissions import get_organization_for
from carementor.programs import imports, services
from carementor.programs.catalog import TEMPLATES
from carementor.programs.forms import validate_weights
from carementor.programs.models import Enrollment, ImportBatch, Program
from carementor.programs.permissions import (
    can_manage_organization,
    get_enrollment_for,
    get_program_for,
    programs_visible_to,
)
from carementor.programs.schemas import (
    ApplyIn,
    CapacityIn,
    EnrollmentDecideIn,
    EnrollmentOut,
    EnrollmentPageOut,
    ImportOut,
    MarkIn,
    PageParams,
    ProgramIn,
    ProgramOut,
    ProgramPageOut,
    ProgramUpdateIn,
    RequestActionIn,
    RequestFilters,
    RequestIn,
    RequestOut,
    RequestPageOut,
    StatusIn,
    SuggestionFilters,
    SuggestionOut,
    TemplateOut,
)
from carementor.programs.services import ProgramError

router = Router(tags=["programs"])
router.add_router("", matching_router)  # runs, proposals, pair rules, manual pairs


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def program_out(p: Program) -> dict[str, Any]:
    return {
        **{f: getattr(p, f) for f in ProgramOut.model_fields if f != "organization"},
        "organization": p.organization.code,
    }


def enrollment_out(e: Enrollment) -> dict[str, Any]:
    return {
        "code": e.code,
        "program": e.program.code,
        "user": e.user.code,
        "email": e.user.email,
        "full_name": e.user.full_name,
        "role": e.role,
        "status": e.status,
        "capacity": e.capacity,
        "seats_taken": e.seats_taken,
        "answers": e.answers,
        "decision_note": e.decision_note,
    }


def request_out(r: MatchRequest) -> dict[str, Any]:
    return {
        "code": r.code,
        "program": r.program.code,
        "mentee": r.mentee.code,
        "mentor": r.mentor.code,
        "role": r.role,
        "note": r.note,
        "status": r.status,
        "score": r.score,
        "reasons": r.reasons,
        "question": r.question,
        "answer": r.answer,
        "decline_reason": r.decline_reason,
        "expires_at": r.expires_at,
        "created_at": r.created_at,
    }


def _page(qs: QuerySet[Any], params: PageParams, out: Any) -> dict[str, Any]:
    items = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "items": [out(x) for x in items]}


@router.get("/templates", response={200: list[TemplateOut], **READ_ERRORS})
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": t.slug,
            "name": str(t.name),
            "description": str(t.description),
            "format": t.format,
            "focus": t.focus,
        }
        for t in TEMPLATES.values()
    ]


@router.get("/", response={200: ProgramPageOut, **READ_ERRORS})
def list_programs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    qs = programs_visible_to(_user(request)).select_related("organization").order_by("-created_at")
    return _page(qs, params, program_out)


@router.post("/", response={201: ProgramOut, **WRITE_ERRORS})
def create_program(request: HttpRequest, org: str, payload: ProgramIn) -> Status:
    organization = get_organization_for(_user(request), org)
    if not can_manage_organization(_user(request), organization):
        raise ApiError(403, "Only coordinators and admins create programmes.", "forbidden")
    data = payload.dict(exclude={"template"})
    if data.get("weights") is not None:
        try:
            data["weights"] = validate_weights(data["weights"])
        except Exception as exc:
            raise ApiError(422, "These weights are not valid.", "weights") from exc
    program = services.program_create(
        organization=organization, actor=_user(request), data=data, template=payload.template
    )
    return Status(201, program_out(program))


@router.get("/requests", response={200: RequestPageOut, **READ_ERRORS})
def list_requests(request: HttpRequest, params: Query[RequestFilters]) -> dict[str, Any]:
    qs = MatchRequest.objects.select_related("program", "mentee", "mentor")
    user = _user(request)
    qs = qs.filter(mentor=user) if params.box == "received" else qs.filter(mentee=user)
    if params.open:
        qs = qs.filter(status__in=MatchRequest.OPEN)
    return _page(qs.order_by("-created_at"), params, request_out)


@router.get("/requests/{code}", response={200: RequestOut, **READ_ERRORS})
def get_request(request: HttpRequest, code: str) -> dict[str, Any]:
    return request_out(get_request_for(_user(request), code))


@router.post("/requests/{code}/{action}", response={200: RequestOut, **WRITE_ERRORS})
def act_on_request(
    request: HttpRequest, code: str, action: str, payload: RequestActionIn
) -> dict[str, Any]:
    """Actions: accept, decline (text = reason), ask (text = question), answer, withdraw."""
    match_request = get_request_for(_user(request), code)
    actor = _user(request)
    calls = {
        "accept": lambda: matching.request_accept(match_request=match_request, actor=actor),
        "decline": lambda: matching.request_decline(
            match_request=match_request, actor=actor, reason=payload.text
        ),
        "ask": lambda: matching.request_ask(
            match_request=match_request, actor=actor, question=payload.text
        ),
        "answer": lambda: matching.request_answer(
            match_request=match_request, actor=actor, answer=payload.text
        ),
        "withdraw": lambda: matching.request_withdraw(match_request=match_request, actor=actor),
    }
    if action not in calls:
        raise ApiError(404, "Unknown action.", "not_found")
    calls[action]()
    match_request.refresh_from_db()
    return request_out(match_request)


@router.get("/{code}", response={200: ProgramOut, **READ_ERRORS})
def get_program(request: HttpRequest, code: str) -> dict[str, Any]:
    return program_out(get_program_for(_user(request), code))


@router.patch("/{code}", response={200: ProgramOut, **WRITE_ERRORS})
def update_program(request: HttpRequest, code: str, payload: ProgramUpdateIn) -> dict[str, Any]:
    program = get_program_for(_user(request), code, manage=True)
    data = payload.dict(exclude={"template"}, exclude_unset=True)
    if data.get("weights") is not None:
        try:
            data["weights"] = validate_weights(data["weights"])
        except Exception as exc:
            raise ApiError(422, "These weights are not valid.", "weights") from exc
    program = services.program_update(program=program, actor=_user(request), data=data)
    program.refresh_from_db()
    return program_out(program)


@router.post("/{code}/status", response={200: ProgramOut, **WRITE_ERRORS})
def set_status(request: HttpRequest, code: str, payload: StatusIn) -> dict[str, Any]:
    program = get_program_for(_user(request), code, manage=True)
    try:
        program = services.program_set_status(
            program=program, actor=_user(request), status=payload.status
        )
    except ProgramError as exc:
        raise ApiError(409, exc.message, exc.code) from exc
    return program_out(program)


@router.post("/{code}/enrollments", response={201: EnrollmentOut, **WRITE_ERRORS})
def apply(request: HttpRequest, code: str, payload: ApplyIn) -> Status:
    program = get_program_for(_user(request), code)
    enrollment = services.enrollment_apply(
        program=program, user=_user(request), role=payload.role, answers=payload.answers
    )
    return Status(201, enrollment_out(enrollment))


@router.get("/{code}/enrollments", response={200: EnrollmentPageOut, **READ_ERRORS})
def list_enrollments(request: HttpRequest, code: str, params: Query[PageParams]) -> dict[str, Any]:
    program = get_program_for(_user(request), code, manage=True)
    qs = program.enrollments.select_related("program", "user").order_by("created_at")
    return _page(qs, params, enrollment_out)


@router.post("/enrollments/{code}/decide", response={200: EnrollmentOut, **WRITE_ERRORS})
def decide(request: HttpRequest, code: str, payload: EnrollmentDecideIn) -> dict[str, Any]:
    enrollment = get_enrollment_for(_user(request), code, manage=True)
    try:
        enrollment = services.enrollment_decide(
            enrollment=enrollment, actor=_user(request), status=payload.status, note=payload.note
        )
    except ProgramError as exc:
        raise ApiError(409, exc.message, exc.code) from exc
    return enrollment_out(enrollment)


@router.post("/enrollments/{code}/capacity", response={200: EnrollmentOut, **WRITE_ERRORS})
def set_capacity(request: HttpRequest, code: str, payload: CapacityIn) -> dict[str, Any]:
    enrollment = get_enrollment_for(_user(request), code)
    try:
        enrollment = services.enrollment_set_capacity(
            enrollment=enrollment, actor=_user(request), capacity=payload.capacity
        )
    except ProgramError as exc:
        raise ApiError(409, exc.message, exc.code) from exc
    return enrollment_out(enrollment)


@router.post("/enrollments/{code}/withdraw", response={200: EnrollmentOut, **WRITE_ERRORS})
def withdraw(request: HttpRequest, code: str) -> dict[str, Any]:
    enrollment = get_enrollment_for(_user(request), code)
    return enrollment_out(services.enrollment_withdraw(enrollment=enrollment, actor=_user(request)))


@router.post("/{code}/imports", response={201: ImportOut, **WRITE_ERRORS, 413: ErrorOut})
def import_preview(request: HttpRequest, code: str, file: File[UploadedFile]) -> Status:
    """Dry run: parse the CSV/XLSX and report per-line errors; nothing is enrolled yet."""
    program = get_program_for(_user(request), code, manage=True)
    try:
        batch = imports.import_preview(
            program=program,
            actor=_user(request),
            filename=file.name or "upload",
            content=file.read(imports.MAX_BYTES + 1),
        )
    except ProgramError as exc:
        raise ApiError(413 if exc.code == "too_large" else 422, exc.message, exc.code) from exc
    return Status(201, batch)


def _batch_for(request: HttpRequest, code: str, batch: str) -> ImportBatch:
    program = get_program_for(_user(request), code, manage=True)
    found = ImportBatch.objects.filter(program=program, code=batch).first()
    if found is None:
        raise ApiError(404, "Not found.", "not_found")
    return found


@router.get("/{code}/imports/{batch}", response={200: ImportOut, **READ_ERRORS})
def import_detail(request: HttpRequest, code: str, batch: str) -> ImportBatch:
    """An import's preview, or its progress while it is applied in the background."""
    return _batch_for(request, code, batch)


@router.post(
    "/{code}/imports/{batch}/apply", response={200: ImportOut, 202: ImportOut, **WRITE_ERRORS}
)
def import_apply(request: HttpRequest, code: str, batch: str) -> Status:
    """Apply a previewed import: 200 when done in the request; 202 when a large import was
    queued, then read its progress from GET. Applying a failed import again resumes it."""
    found = _batch_for(request, code, batch)
    try:
        applied = imports.import_apply(batch=found, actor=_user(request))
    except ProgramError as exc:
        raise ApiError(409, exc.message, exc.code) from exc
    return Status(202 if applied.is_working else 200, applied)


@router.get("/{code}/suggestions", response={200: list[SuggestionOut], **READ_ERRORS})
def suggestions(
    request: HttpRequest, code: str, filters: Query[SuggestionFilters]
) -> list[dict[str, Any]]:
    program = get_program_for(_user(request), code)
    # A mentee at their limit in every role the programme offers is offered nobody more.
    full = set(roles_at_limit(program, _user(request)))
    wanted = filters.role or ""
    if full >= set(program.roles or ["mentor"]) or wanted in full:
        return []
    found = suggest(
        program,
        _user(request),
        k=filters.limit,
        filters=filters.dict(exclude={"limit"}),
    )
    return [
        {
            "user": s.user.code,
            "full_name": s.user.full_name,
            "score": s.score,
            "free_places": s.free_places,
            "bookmarked": s.bookmarked,
            "reasons": s.reasons,
        }
        for s in found
    ]


@router.post("/{code}/suggestions/{user}/mark", response={204: None, **WRITE_ERRORS})
def mark(request: HttpRequest, code: str, user: str, payload: MarkIn) -> Status:
    program = get_program_for(_user(request), code)
    seat = mentor_enrollments(program).select_related("user").filter(user__code=user).first()
    if seat is None:
        raise ApiError(404, "Not found.", "not_found")
    matching.mark_set(program=program, mentee=_user(request), mentor=seat.user, kind=payload.kind)
    return Status(204, None)


@router.post("/{code}/requests", response={201: RequestOut, **WRITE_ERRORS})
def send_request(request: HttpRequest, code: str, payload: RequestIn) -> Status:
    program = get_program_for(_user(request), code)
    mentor = User.objects.filter(code=payload.mentor).first()
    if mentor is None:
        raise ApiError(404, "Not found.", "not_found")
    created = matching.request_send(
        program=program,
        mentee=_user(request),
        mentor=mentor,
        note=payload.note,
        role=payload.role,
    )
    return Status(201, request_out(created))
