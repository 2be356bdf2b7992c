"""Skills logbook API: my entries and progress, logging an activity, the observer's queue and
sign-off."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Text
from carementor.logbooks.models import LogEntry, Requirement
from carementor.logbooks.pdf import portfolio_pdf
from carementor.logbooks.permissions import (
    get_entry_for,
    get_requirement_for,
    get_requirements_program_for,
)
from carementor.logbooks.services import (
    LogbookError,
    entry_decide,
    entry_log,
    progress_of,
    requirement_remove,
    requirement_set,
    requirements_of,
)
from carementor.profiles.models import Competency

router = Router(tags=["logbooks"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class LogEntryIn(Schema):
    competency: str = Field(..., max_length=60, description="A competency code.")
    activity: Text = Field(..., min_length=1, max_length=300)
    performed_on: datetime.date
    setting: Text = Field("", max_length=200)
    level: int = Field(..., ge=1, le=5, description="Entrustment-supervision level, 1 to 5.")
    reflection: Text = Field("", max_length=2000)
    observer: str = Field(..., max_length=16, description="The observer's person code.")


class LogEntryOut(Schema):
    code: str
    person: str
    competency: str
    competency_name: str
    activity: str
    performed_on: datetime.date
    setting: str
    level: int
    reflection: str
    observer: str | None
    status: str
    decided_at: datetime.datetime | None
    observed_level: int | None
    feedback: str

    @staticmethod
    def resolve_person(obj: LogEntry) -> str:
        return obj.user.code

    @staticmethod
    def resolve_competency(obj: LogEntry) -> str:
        return obj.competency.code

    @staticmethod
    def resolve_competency_name(obj: LogEntry) -> str:
        return obj.competency.name

    @staticmethod
    def resolve_observer(obj: LogEntry) -> str | None:
        return obj.observer.code if obj.observer else None


class LogDecisionIn(Schema):
    decision: Literal["sign", "decline"]
    observed_level: int | None = Field(None, ge=1, le=5)
    feedback: Text = Field("", max_length=2000)


class LogProgressOut(Schema):
    competency: str
    name: str
    is_digital: bool
    logged: int
    signed: int
    best_level: int | None
    last_on: datetime.date | None


def _entries() -> Any:
    return LogEntry.objects.select_related("user", "competency", "observer")


@router.get("/entries", response={200: list[LogEntryOut], **AUTH_ERRORS, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=25)
def entries_list(request: HttpRequest) -> Any:
    return _entries().filter(user=_user(request))


@router.post("/entries", response={201: LogEntryOut, **WRITE_ERRORS})
def entries_create(request: HttpRequest, payload: LogEntryIn) -> Status[Any]:
    competency = Competency.objects.filter(code=payload.competency).first()
    if competency is None:
        raise LogbookError(
            _("Unknown competency."),
            status=422,
            code="invalid",
            errors=[{"loc": ["competency"], "msg": _("Unknown competency.")}],
        )
    observer = User.objects.filter(code=payload.observer).first()
    if observer is None:
        raise LogbookError(
            _("Ask one of your mentors to observe and sign off."),
            status=422,
            code="invalid",
            errors=[{"loc": ["observer"], "msg": _("Unknown observer.")}],
        )
    entry = entry_log(
        user=_user(request),
        competency=competency,
        activity=payload.activity,
        performed_on=payload.performed_on,
        setting=payload.setting,
        level=payload.level,
        reflection=payload.reflection,
        observer=observer,
        request=request,
    )
    return Status(201, entry)


@router.get("/entries/{code}", response={200: LogEntryOut, **READ_ERRORS})
def entries_get(request: HttpRequest, code: str) -> LogEntry:
    return get_entry_for(_user(request), code)


@router.post("/entries/{code}/decision", response={200: LogEntryOut, **WRITE_ERRORS})
def entries_decide(request: HttpRequest, code: str, payload: LogDecisionIn) -> LogEntry:
    """The observer signs off (with the entrustment level observed) or declines (with feedback)."""
    user = _user(request)
    entry = get_entry_for(user, code, as_observer=True)
    return entry_decide(
        entry=entry,
        observer=user,
        sign=payload.decision == "sign",
        observed_level=payload.observed_level,
        feedback=payload.feedback,
        request=request,
    )


@router.get("/to-sign", response={200: list[LogEntryOut], **AUTH_ERRORS, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=25)
def to_sign(request: HttpRequest) -> Any:
    """Entries waiting for my sign-off."""
    return _entries().to_sign_by(_user(request))


@router.get("/progress", response={200: list[LogProgressOut], **AUTH_ERRORS})
def progress(request: HttpRequest) -> list[dict[str, Any]]:
    """Per competency: logged, signed off, the highest entrustment level signed."""
    return [p.__dict__ for p in progress_of(_user(request))]


@router.get(
    "/portfolio.pdf",
    response={200: None, **AUTH_ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def portfolio(request: HttpRequest) -> HttpResponse:
    """My skills portfolio as a PDF, for appraisal or revalidation."""
    user = _user(request)
    response = HttpResponse(portfolio_pdf(user), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="skills-portfolio.pdf"'
    record(user, "logbook.exported", user, request=request)
    return response


class LogRequirementIn(Schema):
    competency: str = Field(..., max_length=60)
    signed_entries: int = Field(..., ge=1, le=100)


class LogRequirementOut(Schema):
    code: str
    competency: str
    competency_name: str
    signed_entries: int

    @staticmethod
    def resolve_competency(obj: Requirement) -> str:
        return obj.competency.code

    @staticmethod
    def resolve_competency_name(obj: Requirement) -> str:
        return obj.competency.name


class LogRequirementProgressOut(Schema):
    program: str
    competency: str
    name: str
    needed: int
    signed: int
    met: bool


@router.get("/requirements", response={200: list[LogRequirementProgressOut], **AUTH_ERRORS})
def my_requirements(request: HttpRequest) -> list[dict[str, Any]]:
    """The logbook rules of my programmes, with my signed-off count for each."""
    return [{**r.__dict__, "met": r.met} for r in requirements_of(_user(request))]


@router.get("/programs/{code}/requirements", response={200: list[LogRequirementOut], **READ_ERRORS})
def program_requirements(request: HttpRequest, code: str) -> Any:
    program = get_requirements_program_for(_user(request), code)
    return list(Requirement.objects.filter(program=program).select_related("competency"))


@router.put("/programs/{code}/requirements", response={200: LogRequirementOut, **WRITE_ERRORS})
def program_requirement_set(
    request: HttpRequest, code: str, payload: LogRequirementIn
) -> Requirement:
    """Require N signed-off entries for a competency (programme managers)."""
    user = _user(request)
    program = get_requirements_program_for(user, code)
    competency = Competency.objects.filter(code=payload.competency).first()
    if competency is None:
        raise LogbookError(
            _("Unknown competency."),
            status=422,
            code="invalid",
            errors=[{"loc": ["competency"], "msg": _("Unknown competency.")}],
        )
    return requirement_set(
        program=program,
        competency=competency,
        signed_entries=payload.signed_entries,
        actor=user,
        request=request,
    )


@router.delete("/programs/{code}/requirements/{requirement}", response={204: None, **READ_ERRORS})
def program_requirement_delete(request: HttpRequest, code: str, requirement: str) -> Status[None]:
    user = _user(request)
    program = get_requirements_program_for(user, code)
    requirement_remove(
        requirement=get_requirement_for(user, program, requirement), actor=user, request=request
    )
    return Status(204, None)
