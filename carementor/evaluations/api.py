"""Evaluations API: instruments, a programme's schedule, my surveys and answering them.

The same gates and services as the pages. Aggregate results are in ``api_results``.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from carementor.accounts.models import User
from carementor.evaluations import services
from carementor.evaluations.api_results import router as results_router
from carementor.evaluations.models import (
    Instrument,
    Item,
    ScheduleEntry,
    SurveyAssignment,
)
from carementor.evaluations.permissions import (
    get_assignment_for,
    get_instrument_for,
    get_managed_organization_for,
    instruments_visible_to,
)
from carementor.evaluations.schemas import (
    ActiveIn,
    AnswerIn,
    AssignmentDetailOut,
    AssignmentPageOut,
    ImportFileIn,
    ImportIn,
    InstrumentDetailOut,
    InstrumentIn,
    InstrumentPageOut,
    InstrumentUpdateIn,
    ScheduleIn,
    ScheduleOut,
    SubmittedOut,
    VersionIn,
)
from carementor.evaluations.services import EntryData
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.lib.paging import PageNumberParams
from carementor.programs.permissions import get_program_for

router = Router(tags=["evaluations"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


router.add_router("", results_router)

PAGE_SIZE = 50


def item_out(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "order": item.order,
        "text": item.text,
        "domain": item.domain,
        "scale": item.scale,
        "points": item.points,
        "labels": list(item.labels or []),
        "min_value": item.min_value,
        "max_value": item.max_value,
        "reverse": item.reverse,
        "required": item.required,
    }


def instrument_out(instrument: Instrument, *, items: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": instrument.code,
        "organization": instrument.organization.code if instrument.organization else None,
        "slug": instrument.slug,
        "version": instrument.version,
        "name": instrument.name,
        "description": instrument.description,
        "source": instrument.source,
        "licence_status": instrument.licence_status,
        "anonymity": instrument.anonymity,
        "respondent": instrument.respondent,
        "kind": instrument.kind,
        "rates_mentor": instrument.rates_mentor,
        "domains": instrument.domains,
        "is_active": instrument.is_active,
        # Lists annotate ``has_responses`` so that no row costs a query of its own.
        "locked": instrument.is_library
        or (
            bool(instrument.has_responses)
            if hasattr(instrument, "has_responses")
            else instrument.is_locked()
        ),
    }
    if items:
        data["items"] = [item_out(i) for i in instrument.items.all()]
    return data


@router.get("/instruments", response={200: InstrumentPageOut, **AUTH_ERRORS})
def list_instruments(request: HttpRequest, params: Query[PageNumberParams]) -> dict[str, Any]:
    """The shipped library and the instruments of organizations you coordinate."""
    from django.db.models import Exists, OuterRef

    from carementor.evaluations.models import Response

    rows = (
        instruments_visible_to(_user(request))
        .select_related("organization")
        .annotate(has_responses=Exists(Response.objects.filter(instrument=OuterRef("pk"))))
        .order_by("organization_id", "name", "-version", "id")
    )
    start = (params.page - 1) * PAGE_SIZE
    return {
        "count": rows.count(),
        "page": params.page,
        "items": [instrument_out(i) for i in rows[start : start + PAGE_SIZE]],
    }


@router.post("/instruments/import", response={201: InstrumentDetailOut, **WRITE_ERRORS})
def import_instrument(request: HttpRequest, payload: ImportIn) -> Status:
    """Import a licensed instrument your organization holds permission for."""
    organization = get_managed_organization_for(_user(request), payload.organization)
    instrument = services.instrument_import(
        organization=organization,
        user=_user(request),
        definition=payload.definition,
        permission_declared=payload.permission_declared,
        source=payload.source,
        request=request,
    )
    return Status(201, instrument_out(instrument, items=True))


@router.post("/instruments/import-file", response={201: InstrumentDetailOut, **WRITE_ERRORS})
def import_instrument_file(
    request: HttpRequest, meta: Form[ImportFileIn], file: File[UploadedFile]
) -> Status:
    """The same import from a JSON, CSV or XLSX file (multipart), as the import page does."""
    organization = get_managed_organization_for(_user(request), meta.organization)
    definition = services.parse_instrument_file(
        file.name or "upload", file.read(services.MAX_IMPORT_BYTES + 1)
    )
    for name in ("name", "anonymity", "respondent"):
        if not definition.get(name) and getattr(meta, name):
            definition[name] = getattr(meta, name)
    instrument = services.instrument_import(
        organization=organization,
        user=_user(request),
        definition=definition,
        permission_declared=meta.permission_declared,
        source=meta.source,
        request=request,
    )
    return Status(201, instrument_out(instrument, items=True))


@router.get("/instruments/{code}", response={200: InstrumentDetailOut, **READ_ERRORS})
def get_instrument(request: HttpRequest, code: str) -> dict[str, Any]:
    return instrument_out(get_instrument_for(_user(request), code), items=True)


# "import" and "import-file" are also read as instrument codes, so GET and PUT on those paths
# answer what /instruments/{code} answers (404: no such instrument) instead of 405.
@router.get(
    "/instruments/import",
    response={200: InstrumentDetailOut, **READ_ERRORS},
    include_in_schema=False,
)
def get_instrument_named_import(request: HttpRequest) -> dict[str, Any]:
    return get_instrument(request, "import")


@router.get(
    "/instruments/import-file",
    response={200: InstrumentDetailOut, **READ_ERRORS},
    include_in_schema=False,
)
def get_instrument_named_import_file(request: HttpRequest) -> dict[str, Any]:
    return get_instrument(request, "import-file")


@router.post("/instruments", response={201: InstrumentDetailOut, **WRITE_ERRORS})
def create_instrument(request: HttpRequest, payload: InstrumentIn) -> Status:
    """Build your organization's own instrument (licence "own" or "open")."""
    organization = get_managed_organization_for(_user(request), payload.organization)
    data = services.clean_instrument_data(payload.dict(exclude={"organization"}))
    instrument = services.instrument_create(
        organization=organization, user=_user(request), data=data, request=request
    )
    return Status(201, instrument_out(instrument, items=True))


@router.put("/instruments/{code}", response={200: InstrumentDetailOut, **WRITE_ERRORS})
def update_instrument(
    request: HttpRequest, code: str, payload: InstrumentUpdateIn
) -> dict[str, Any]:
    """Replace the definition of an instrument nobody has answered (else 409: make a version)."""
    instrument = get_instrument_for(_user(request), code, write=True)
    data = services.clean_instrument_data(payload.dict())
    instrument = services.instrument_update(
        instrument=instrument, user=_user(request), data=data, request=request
    )
    return instrument_out(instrument, items=True)


@router.put(
    "/instruments/import",
    response={200: InstrumentDetailOut, **WRITE_ERRORS},
    include_in_schema=False,
)
def update_instrument_named_import(
    request: HttpRequest, payload: InstrumentUpdateIn
) -> dict[str, Any]:
    return update_instrument(request, "import", payload)


@router.put(
    "/instruments/import-file",
    response={200: InstrumentDetailOut, **WRITE_ERRORS},
    include_in_schema=False,
)
def update_instrument_named_import_file(
    request: HttpRequest, payload: InstrumentUpdateIn
) -> dict[str, Any]:
    return update_instrument(request, "import-file", payload)


@router.post("/instruments/{code}/versions", response={201: InstrumentDetailOut, **WRITE_ERRORS})
def version_instrument(request: HttpRequest, code: str, payload: VersionIn) -> Status:
    """A new version of your instrument, or a copy of a shipped one into your organization."""
    instrument = get_instrument_for(_user(request), code)
    organization = None
    if instrument.organization_id is None:
        organization = get_managed_organization_for(_user(request), payload.organization or "")
    else:
        instrument = get_instrument_for(_user(request), code, write=True)
    copy = services.instrument_new_version(
        instrument=instrument, user=_user(request), organization=organization, request=request
    )
    return Status(201, instrument_out(copy, items=True))


@router.post("/instruments/{code}/active", response={200: InstrumentDetailOut, **WRITE_ERRORS})
def set_instrument_active(request: HttpRequest, code: str, payload: ActiveIn) -> dict[str, Any]:
    instrument = get_instrument_for(_user(request), code, write=True)
    instrument = services.instrument_set_active(
        instrument=instrument, user=_user(request), active=payload.active, request=request
    )
    return instrument_out(instrument, items=True)


# --- Schedule ------------------------------------------------------------------------------


def _entry_schema(entry: Any) -> dict[str, Any]:
    return {
        "instrument": entry.instrument.code,
        "occasion": entry.occasion,
        "role": entry.role,
        "months_after": entry.months_after,
        "open_days": entry.open_days,
        "reminder_days": entry.reminder_days,
    }


def schedule_out(program: Any) -> dict[str, Any]:
    entries = list(
        ScheduleEntry.objects.filter(program=program)
        .select_related("instrument")
        .order_by("occasion", "months_after", "role", "id")
    )
    return {
        "program": program.code,
        "min_group_size": services.min_group_size_for(program),
        "entries": [
            {**_entry_schema(e), "code": e.code, "instrument_name": e.instrument.name}
            for e in entries
        ],
        "proposed": [_entry_schema(e) for e in services.default_schedule()] if not entries else [],
    }


@router.get("/programs/{code}/schedule", response={200: ScheduleOut, **READ_ERRORS})
def get_schedule(request: HttpRequest, code: str) -> dict[str, Any]:
    """A programme's evaluation schedule and minimum group size (managers only)."""
    return schedule_out(get_program_for(_user(request), code, manage=True))


@router.put("/programs/{code}/schedule", response={200: ScheduleOut, **WRITE_ERRORS})
def put_schedule(request: HttpRequest, code: str, payload: ScheduleIn) -> dict[str, Any]:
    """Replace the whole schedule (and optionally the minimum group size)."""
    program = get_program_for(_user(request), code, manage=True)
    available = {i.code: i for i in services.instruments_for(program)}
    errors = [
        {"loc": ["entries", n, "instrument"], "msg": str(_("Unknown instrument."))}
        for n, e in enumerate(payload.entries)
        if e.instrument not in available
    ]
    if errors:
        raise ApiError(422, str(_("The schedule is not valid.")), "invalid", errors)
    entries = [
        EntryData(
            instrument=available[e.instrument],
            occasion=e.occasion,
            role=e.role,
            months_after=e.months_after,
            open_days=e.open_days,
            reminder_days=e.reminder_days,
        )
        for e in payload.entries
    ]
    services.schedule_replace(
        program=program, user=_user(request), entries=entries, request=request
    )
    if payload.min_group_size is not None:
        services.settings_update(
            program=program,
            user=_user(request),
            min_group_size=payload.min_group_size,
            request=request,
        )
    return schedule_out(program)


# --- My surveys ----------------------------------------------------------------------------


def assignment_out(a: SurveyAssignment) -> dict[str, Any]:
    responded = getattr(a, "has_responded", None) if hasattr(a, "has_responded") else None
    return {
        "code": a.code,
        "instrument": a.instrument.code,
        "instrument_name": a.instrument.name,
        "anonymity": a.instrument.anonymity,
        "program": a.program.code,
        "program_name": a.program.name,
        "occasion": a.occasion,
        "role": a.role,
        "mentorship": a.mentorship.code if a.mentorship else None,
        "meeting": a.meeting.code if a.meeting else None,
        "subject_name": a.subject.get_full_name() if a.subject else None,
        "opens_at": a.opens_at,
        "due_at": a.due_at,
        "status": a.status,
        "answered": responded is not None,
        "answered_on": responded.responded_on if responded else None,
        "reminded_at": a.reminded_at,
    }


@router.get("/assignments", response={200: AssignmentPageOut, **AUTH_ERRORS})
def list_assignments(request: HttpRequest, params: Query[PageNumberParams]) -> dict[str, Any]:
    """Surveys sent to you, newest first."""
    rows = (
        services.assignments_for(_user(request))
        .select_related("meeting")
        .order_by("-opens_at", "-id")
    )
    start = (params.page - 1) * PAGE_SIZE
    return {
        "count": rows.count(),
        "page": params.page,
        "items": [assignment_out(a) for a in rows[start : start + PAGE_SIZE]],
    }


VISIBILITY = {
    "anonymous": _(
        "Anonymous: stored without your name, mentorship or time; others see only group "
        "results once enough people have answered."
    ),
    "named": _(
        "Named: the programme's coordinators see your answers; your mentor sees only group results."
    ),
}


@router.get("/assignments/{code}", response={200: AssignmentDetailOut, **READ_ERRORS})
def get_assignment(request: HttpRequest, code: str) -> dict[str, Any]:
    assignment = get_assignment_for(_user(request), code)
    return {
        **assignment_out(assignment),
        "items": [item_out(i) for i in assignment.instrument.items.all()],
        "visibility": str(VISIBILITY[assignment.instrument.anonymity]),
    }


@router.post("/assignments/{code}/response", response={201: SubmittedOut, **WRITE_ERRORS})
def submit_response(request: HttpRequest, code: str, payload: AnswerIn) -> Status:
    """Answer a survey, once. A second submission is 409."""
    assignment = get_assignment_for(_user(request), code)
    services.response_submit(
        assignment=assignment, user=_user(request), answers=payload.answers, request=request
    )
    return Status(
        201,
        {
            "assignment": assignment.code,
            "answered_on": timezone.localdate(),
            "anonymous": assignment.instrument.is_anonymous,
        },
    )
