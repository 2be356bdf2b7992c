"""Pages: my logbook (progress per competency, entries, log an activity), one entry (and its
sign-off for the observer), the observer's queue, and the CSV portfolio export."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carementor.audit.services import record
from carementor.lib.http import AuthedRequest
from carementor.logbooks.forms import DecisionForm, EntryForm, RequirementForm
from carementor.logbooks.models import EntryStatus, LogEntry, Requirement
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
    observers_for,
    progress_of,
    requirement_remove,
    requirement_set,
    requirements_of,
)

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: AuthedRequest) -> HttpResponse:
    form = EntryForm(
        request.POST if request.method == "POST" else None, observers=observers_for(request.user)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = entry_log(user=request.user, request=request, **form.cleaned_data)
            except LogbookError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Logged. Your observer has been asked to sign it off."))
                return redirect("logbooks:entry", entry.code)
        status = 422
    rows = LogEntry.objects.filter(user=request.user).select_related("competency", "observer")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "logbooks/mine.html",
        {
            "form": form,
            "page": page,
            "progress": progress_of(request.user),
            "requirements": requirements_of(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: AuthedRequest, code: str) -> HttpResponse:
    item = get_entry_for(request.user, code)
    is_observer = item.observer_id == request.user.pk
    form = DecisionForm(request.POST if request.method == "POST" else None) if is_observer else None
    status = 200
    if request.method == "POST":
        if form is None:
            return redirect("logbooks:entry", item.code)
        if form.is_valid():
            try:
                entry_decide(
                    entry=item,
                    observer=request.user,
                    sign=form.cleaned_data["decision"] == "sign",
                    observed_level=form.cleaned_data["observed_level"],
                    feedback=form.cleaned_data["feedback"],
                    request=request,
                )
            except LogbookError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved your decision."))
                return redirect("logbooks:entry", item.code)
        status = 422
    return render(
        request,
        "logbooks/entry.html",
        {
            "entry": item,
            "form": form if item.status == EntryStatus.REQUESTED else None,
            "is_observer": is_observer,
        },
        status=status,
    )


@login_required
@require_GET
def to_sign(request: AuthedRequest) -> HttpResponse:
    rows = LogEntry.objects.to_sign_by(request.user).select_related("user", "competency")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "logbooks/to_sign.html", {"page": page})


@login_required
@require_GET
def export_csv(request: AuthedRequest) -> HttpResponse:
    """My portfolio for appraisal or revalidation: every entry with its sign-off."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="logbook.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date"),
            _("Competency"),
            _("What"),
            _("Where"),
            _("Level of supervision"),
            _("Status"),
            _("Observer"),
            _("Observed level"),
            _("Feedback"),
            _("Decided"),
        ]
    )
    rows = LogEntry.objects.filter(user=request.user).select_related("competency", "observer")
    for e in rows.iterator(chunk_size=500):
        writer.writerow(
            [
                e.performed_on.isoformat(),
                e.competency.name,
                _safe(e.activity),
                _safe(e.setting),
                e.level,
                e.get_status_display(),
                e.observer.get_full_name() if e.observer else "",
                e.observed_level or "",
                _safe(e.feedback),
                e.decided_at.date().isoformat() if e.decided_at else "",
            ]
        )
    record(request.user, "logbook.exported", request.user, request=request)
    return response


@login_required
@require_GET
def export_pdf(request: AuthedRequest) -> HttpResponse:
    """My portfolio as a PDF: progress per competency, every entry with its sign-off."""
    response = HttpResponse(portfolio_pdf(request.user), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="skills-portfolio.pdf"'
    record(request.user, "logbook.exported", request.user, request=request)
    return response


def _safe(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_requirements_program_for(request.user, code)
    form = RequirementForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            requirement_set(
                program=program, actor=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Saved the logbook rule."))
            return redirect("logbooks:requirements", program.code)
        status = 422
    rules = Requirement.objects.filter(program=program).select_related("competency")
    return render(
        request,
        "logbooks/requirements.html",
        {"program": program, "form": form, "rules": rules},
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def requirement_delete(request: AuthedRequest, code: str, requirement: str) -> HttpResponse:
    program = get_requirements_program_for(request.user, code)
    requirement_remove(
        requirement=get_requirement_for(request.user, program, requirement),
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Removed the logbook rule."))
    return redirect("logbooks:requirements", program.code)
