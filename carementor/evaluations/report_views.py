"""Outcome report pages, its PDF and exports, and the personal results page.

One gate for all of them: ``analytics.report_program_for`` (the programme's managers; 404 for
strangers, 403 for participants). Personal results read only the signed-in person's own
named responses and the aggregate of ratings about them.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from carementor.audit.services import record_read
from carementor.evaluations import analytics, exports, report_cache, reports


def filters_from(request: HttpRequest) -> analytics.Filters:
    """Cohort and format from the query string; unknown values simply match nothing."""
    return analytics.Filters(
        cohort=request.GET.get("cohort", "").strip()[:10],
        format=request.GET.get("format", "").strip()[:20],
    )


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def report(request: HttpRequest, code: str) -> HttpResponse:
    program = analytics.report_program_for(request.user, code)
    filters = filters_from(request)
    built = reports.build_report(report_cache.analytics_for(program, filters))
    record_read(
        request.user, "results.read", program, organization=program.organization, request=request
    )
    return render(
        request,
        "evaluations/report.html",
        {
            "program": program,
            "report": built,
            "filters": filters,
            "query": request.GET.urlencode(),
            "named_instruments": exports.named_instruments(program),
        },
    )


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, code: str) -> HttpResponse:
    program = analytics.report_program_for(request.user, code)
    data = report_cache.pdf_for(program, filters_from(request))
    record_read(
        request.user,
        "results.exported",
        program,
        organization=program.organization,
        request=request,
        detail={"format": "pdf"},
    )
    return _download(data, "application/pdf", f"outcomes-{program.code}.pdf")


def aggregate_file(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    program = analytics.report_program_for(request.user, code)
    found = report_cache.analytics_for(program, filters_from(request))
    record_read(
        request.user,
        "results.exported",
        program,
        organization=program.organization,
        request=request,
        detail={"format": kind},
    )
    rows = reports.export_rows(found)
    if kind == "csv":
        data = exports.to_csv(exports.export_columns(), rows)
        return _download(data, "text/csv; charset=utf-8", f"outcomes-{program.code}.csv")
    data = exports.to_xlsx(
        exports.export_columns(),
        rows,
        title=program.name,
        notes=exports.aggregate_notes(program, found.threshold),
    )
    return _download(data, exports.XLSX_TYPE, f"outcomes-{program.code}.xlsx")


@login_required
@require_GET
def results_csv(request: HttpRequest, code: str) -> HttpResponse:
    return aggregate_file(request, code, "csv")


@login_required
@require_GET
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    return aggregate_file(request, code, "xlsx")


@login_required
@require_GET
def answers_csv(request: HttpRequest, code: str, instrument_code: str) -> HttpResponse:
    program = analytics.report_program_for(request.user, code)
    instrument = exports.named_instrument_for(program, instrument_code)
    data = exports.named_answers(
        program=program, instrument=instrument, user=request.user, request=request
    )
    return _download(
        data, "text/csv; charset=utf-8", f"answers-{program.code}-{instrument.code}.csv"
    )


@login_required
@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    mine = analytics.my_results(request.user)
    competency = analytics.mentor_competency(request.user, today=timezone.localdate())
    has_competency = competency.raters > 0 or any(r.self_rating for r in competency.rows)
    return render(
        request,
        "evaluations/results.html",
        {
            "sections": reports.personal_sections(mine),
            "anonymous_answered": mine.anonymous_answered,
            "competency": competency if has_competency else None,
            "competency_chart": reports.competency_chart(competency) if has_competency else None,
            "tips": [(row, reports.growth_tip(row.key)) for row in competency.weakest],
            "withheld": reports.withheld_text(competency.threshold),
        },
    )
