"""Pages: my surveys and answering one; the instrument library, builder and import; a
programme's evaluation schedule. Reports and results pages live in ``report_views.py``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carementor.evaluations import services
from carementor.evaluations.forms import (
    AnswerForm,
    ImportForm,
    InstrumentForm,
    ScheduleEntryForm,
    SettingsForm,
)
from carementor.evaluations.models import Occasion, Role, ScheduleEntry
from carementor.evaluations.permissions import (
    get_assignment_for,
    get_instrument_for,
    get_managed_organization_for,
    instruments_visible_to,
    organizations_managed_by,
)
from carementor.evaluations.services import EntryData, EvaluationError
from carementor.lib.http import AuthedRequest
from carementor.programs.permissions import get_program_for

PAGE_SIZE = 25


def _error_status(exc: EvaluationError) -> int:
    return exc.status if 400 <= exc.status < 500 else 409


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


# --- My surveys and answering ---------------------------------------------------------------


@login_required
def my_surveys(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    rows = services.assignments_for(request.user).order_by("-opens_at", "-id")
    page = _page(request, rows)
    return render(request, "evaluations/my_surveys.html", {"page": page, "now": now})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthedRequest, code: str) -> HttpResponse:
    assignment = get_assignment_for(request.user, code)
    instrument = assignment.instrument
    items = list(instrument.items.all())
    answered = hasattr(assignment, "has_responded")
    now = timezone.now()
    can_answer = (
        not answered and assignment.is_open and assignment.opens_at <= now < assignment.due_at
    )
    form = AnswerForm(
        request.POST if request.method == "POST" else None, items=items, instrument=instrument
    )
    status = 200
    if request.method == "POST":
        if not can_answer:
            messages.error(
                request,
                _("You have already answered this survey.")
                if answered
                else _("This survey has closed."),
            )
            return redirect("evaluations:answer", code=assignment.code)
        if form.is_valid():
            try:
                services.response_submit(
                    assignment=assignment,
                    user=request.user,
                    answers=form.answers(),
                    request=request,
                )
            except EvaluationError as exc:
                for error in exc.errors:
                    loc = error.get("loc") or []
                    key = str(loc[-1]) if loc else None
                    form.add_error(key if key in form.fields else None, str(error["msg"]))
                if not exc.errors:
                    form.add_error(None, exc.message)
                status = _error_status(exc)
            else:
                messages.success(request, _("Thank you. Your answers are saved."))
                return redirect("evaluations:my_surveys")
        else:
            status = 422
    return render(
        request,
        "evaluations/answer.html",
        {
            "assignment": assignment,
            "instrument": instrument,
            "form": form,
            "answered": answered,
            "can_answer": can_answer,
            "now": now,
            "min_group_size": services.min_group_size_for(assignment.program),
        },
        status=status,
    )


# --- Instruments ---------------------------------------------------------------------------


@login_required
def instrument_list(request: AuthedRequest) -> HttpResponse:
    organizations = list(organizations_managed_by(request.user))
    if not organizations and not request.user.is_staff:
        # The library is a coordinator's tool; participants meet instruments as surveys.
        return redirect("evaluations:my_surveys")
    rows = (
        instruments_visible_to(request.user)
        .select_related("organization")
        .order_by("organization__name", "name", "-version")
    )
    if request.GET.get("archived") != "1":
        rows = rows.filter(is_active=True)
    return render(
        request,
        "evaluations/instrument_list.html",
        {"page": _page(request, rows), "organizations": organizations},
    )


@login_required
def instrument_detail(request: AuthedRequest, code: str) -> HttpResponse:
    instrument = get_instrument_for(request.user, code)
    items = list(instrument.items.all())
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.domain, []).append(item)
    domains = [(d, groups.get(d["key"], [])) for d in instrument.domains]
    organizations = list(organizations_managed_by(request.user))
    return render(
        request,
        "evaluations/instrument_detail.html",
        {
            "instrument": instrument,
            "domains": domains,
            "unscored": groups.get("", []),
            "locked": instrument.is_locked(),
            "can_edit": bool(
                instrument.organization_id
                and any(o.pk == instrument.organization_id for o in organizations)
            ),
            "organizations": organizations,
        },
    )


def _apply_errors(form: Any, exc: EvaluationError) -> None:
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc") or []]
        field = next((part for part in (loc[:1] + loc[-1:]) if part in form.fields), None)
        where = f" ({' '.join(loc[1:])})" if field is None and len(loc) > 1 else ""
        form.add_error(field, f"{error['msg']}{where}")
    if not exc.errors:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_new(request: AuthedRequest, org_code: str) -> HttpResponse:
    organization = get_managed_organization_for(request.user, org_code)
    form = InstrumentForm(request.POST or None, initial={"source": organization.name})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                data = services.clean_instrument_data(form.definition())
                instrument = services.instrument_create(
                    organization=organization, user=request.user, data=data, request=request
                )
            except EvaluationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Instrument created."))
                return redirect("evaluations:instrument", code=instrument.code)
    return render(
        request,
        "evaluations/instrument_form.html",
        {"form": form, "organization": organization, "instrument": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: AuthedRequest, code: str) -> HttpResponse:
    instrument = get_instrument_for(request.user, code, write=True)
    if instrument.is_locked():
        messages.error(
            request, _("People have answered this instrument. Make a new version to change it.")
        )
        return redirect("evaluations:instrument", code=instrument.code)
    form = InstrumentForm(request.POST or None, initial=InstrumentForm.initial_for(instrument))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                data = services.clean_instrument_data(form.definition())
                services.instrument_update(
                    instrument=instrument, user=request.user, data=data, request=request
                )
            except EvaluationError as exc:
                _apply_errors(form, exc)
                status = _error_status(exc)
            else:
                messages.success(request, _("Instrument saved."))
                return redirect("evaluations:instrument", code=instrument.code)
    return render(
        request,
        "evaluations/instrument_form.html",
        {"form": form, "organization": instrument.organization, "instrument": instrument},
        status=status,
    )


@login_required
@require_POST
def instrument_version(request: AuthedRequest, code: str) -> HttpResponse:
    """A new version of an organization's instrument, or a copy of a shipped one."""
    instrument = get_instrument_for(request.user, code)
    organization = None
    if instrument.organization_id is None:
        organization = get_managed_organization_for(
            request.user, request.POST.get("organization", "")
        )
    else:
        instrument = get_instrument_for(request.user, code, write=True)
    try:
        copy = services.instrument_new_version(
            instrument=instrument, user=request.user, organization=organization, request=request
        )
    except EvaluationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluations:instrument", code=instrument.code)
    messages.success(request, _("A new version is ready to edit."))
    return redirect("evaluations:instrument_edit", code=copy.code)


@login_required
@require_POST
def instrument_archive(request: AuthedRequest, code: str) -> HttpResponse:
    instrument = get_instrument_for(request.user, code, write=True)
    try:
        services.instrument_set_active(
            instrument=instrument,
            user=request.user,
            active=request.POST.get("active") == "1",
            request=request,
        )
    except EvaluationError as exc:
        messages.error(request, exc.message)
    return redirect("evaluations:instrument", code=instrument.code)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_import(request: AuthedRequest) -> HttpResponse:
    organizations = organizations_managed_by(request.user)
    if not organizations.exists():
        return redirect("evaluations:my_surveys")
    form = ImportForm(request.POST or None, request.FILES or None, organizations=organizations)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                definition = services.parse_instrument_file(upload.name, upload.read())
                # A JSON definition says it all; a table takes these from the form.
                for name in ("name", "anonymity", "respondent"):
                    if not definition.get(name) and form.cleaned_data.get(name):
                        definition[name] = form.cleaned_data[name]
                instrument = services.instrument_import(
                    organization=form.cleaned_data["organization"],
                    user=request.user,
                    definition=definition,
                    permission_declared=form.cleaned_data["permission_declared"],
                    source=form.cleaned_data["source"],
                    request=request,
                )
            except EvaluationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Instrument imported."))
                return redirect("evaluations:instrument", code=instrument.code)
    return render(request, "evaluations/instrument_import.html", {"form": form}, status=status)


# --- A programme's schedule ----------------------------------------------------------------


def _entries_except(program: Any, code: str = "") -> list[EntryData]:
    """The programme's schedule as data, without the entry ``code``."""
    return [
        EntryData(
            instrument=e.instrument,
            occasion=e.occasion,
            role=e.role,
            months_after=e.months_after,
            open_days=e.open_days,
            reminder_days=e.reminder_days,
        )
        for e in ScheduleEntry.objects.filter(program=program)
        .exclude(code=code)
        .select_related("instrument")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    instruments = services.instruments_for(program)
    entry_form = ScheduleEntryForm(
        request.POST if request.POST.get("action") == "add" else None, instruments=instruments
    )
    settings_form = SettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={"min_group_size": services.min_group_size_for(program)},
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "defaults":
                services.schedule_replace(
                    program=program,
                    user=request.user,
                    entries=services.default_schedule(),
                    request=request,
                )
                messages.success(request, _("The proposed schedule is in place."))
                return redirect("evaluations:schedule", code=program.code)
            if action == "remove":
                code = request.POST.get("entry", "")
                services.schedule_replace(
                    program=program,
                    user=request.user,
                    entries=_entries_except(program, code),
                    request=request,
                )
                messages.success(request, _("Removed from the schedule."))
                return redirect("evaluations:schedule", code=program.code)
            if action == "add":
                status = 422
                if entry_form.is_valid():
                    data = entry_form.cleaned_data
                    new = EntryData(
                        instrument=data["instrument"],
                        occasion=data["occasion"],
                        role=data["role"],
                        months_after=data["months_after"],
                        open_days=data["open_days"],
                        reminder_days=data["reminder_days"],
                    )
                    services.schedule_replace(
                        program=program,
                        user=request.user,
                        entries=[*_entries_except(program), new],
                        request=request,
                    )
                    messages.success(request, _("Added to the schedule."))
                    return redirect("evaluations:schedule", code=program.code)
            if action == "settings":
                status = 422
                if settings_form.is_valid():
                    services.settings_update(
                        program=program,
                        user=request.user,
                        min_group_size=settings_form.cleaned_data["min_group_size"],
                        request=request,
                    )
                    messages.success(request, _("Settings saved."))
                    return redirect("evaluations:schedule", code=program.code)
        except EvaluationError as exc:
            target = settings_form if action == "settings" else entry_form
            _apply_errors(target, exc)
            status = _error_status(exc)
    entries = (
        ScheduleEntry.objects.filter(program=program)
        .select_related("instrument")
        .order_by("occasion", "months_after", "role", "id")
    )
    order = {value: n for n, value in enumerate(Occasion.values)}
    return render(
        request,
        "evaluations/schedule.html",
        {
            "program": program,
            "entries": sorted(entries, key=lambda e: (order[e.occasion], e.months_after)),
            "proposal": [
                (p, Occasion(p.occasion).label, Role(p.role).label)
                for p in (services.default_schedule() if not entries else [])
            ],
            "entry_form": entry_form,
            "settings_form": settings_form,
        },
        status=status,
    )
