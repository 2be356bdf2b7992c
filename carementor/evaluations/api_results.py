"""Evaluations API: aggregate results, reports and personal results (mounted by api.py).

The same gate (``analytics.report_program_for``) and the same numbers (``analytics`` and
``reports``) as the pages, so the anonymity threshold holds here exactly as it does there.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from carementor.audit.services import record_read
from carementor.evaluations import analytics, exports, report_cache, reports, stats
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS

router = Router()

FILE_RESPONSES: dict[str, Any] = {
    "responses": {
        200: {
            "content": {
                "text/csv": {},
                exports.XLSX_TYPE: {},
                "application/pdf": {},
            }
        }
    }
}


class FiltersIn(Schema):
    cohort: str = Field("", max_length=10, description="Only this cohort, e.g. 2026-Q1.")
    format: str = Field("", max_length=20, description="Only this programme format.")


class ChangeOut(Schema):
    design: str
    n_before: int
    n_after: int
    mean_before: float | None
    mean_after: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: float | None
    p_value: float | None
    effect_size: float | None
    effect_type: str
    d_z: float | None


class DomainOut(Schema):
    key: str
    label: str
    area: str
    withheld: bool
    change: ChangeOut | None
    alpha_baseline: float | None
    alpha_closure: float | None


class GroupOut(Schema):
    value: str
    label: str
    withheld: bool
    n: int | None
    changes: dict[str, ChangeOut | None]


class CorrelationOut(Schema):
    a: str
    b: str
    n: int
    r: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


class OutcomeOut(Schema):
    instrument: str
    name: str
    named: bool
    withheld: bool
    n: int
    domains: list[DomainOut]
    cohorts: list[GroupOut]
    correlations: list[CorrelationOut]


class CountOut(Schema):
    key: str
    withheld: bool
    count: int | None


class RelationshipOut(Schema):
    instrument: str
    name: str
    occasion: str
    withheld: bool
    n: int
    quadrants: list[CountOut]
    bands: list[CountOut]


class EstimateOut(Schema):
    key: str
    label: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None


class MeanOut(Schema):
    instrument: str
    name: str
    occasion: str
    withheld: bool
    n: int
    domains: list[EstimateOut]


class RateOut(Schema):
    instrument: str
    occasion: str
    role: str
    withheld: bool
    assigned: int | None
    responded: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None


class ProgramResultsOut(Schema):
    program: str
    min_group_size: int
    cohort: str
    format: str
    cohorts: list[str]
    formats: list[str]
    summary: list[str]
    response_rates: list[RateOut]
    outcomes: list[OutcomeOut]
    relationships: list[RelationshipOut]
    means: list[MeanOut]
    formats_compared: list[GroupOut]


class SeriesOut(Schema):
    instrument: str
    name: str
    program: str
    occasions: list[str]
    scores: dict[str, list[float | None]]


class MyResultsOut(Schema):
    series: list[SeriesOut]
    anonymous_answered: int = Field(
        description="Anonymous surveys answered: stored without a name, so not listed."
    )


class CompetencyRowOut(Schema):
    key: str
    label: str
    self_rating: float | None
    mentees_mean: float | None
    mentees_ci_low: float | None
    mentees_ci_high: float | None
    tip: str


class CompetencyResultsOut(Schema):
    min_group_size: int
    ratings: int
    released: int
    withheld: bool
    competencies: list[CompetencyRowOut]
    grow_in: list[str]


def change_out(change: stats.Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        **{f: getattr(change, f) for f in ChangeOut.model_fields if f != "effect_type"},
        "effect_type": change.effect_label,
    }


def group_out(group: analytics.GroupChange) -> dict[str, Any]:
    withheld = group.n is None
    return {
        "value": group.value,
        "label": group.label,
        "withheld": withheld,
        "n": group.n,
        "changes": {str(k): change_out(v) for k, v in group.changes.items()},
    }


def results_out(found: analytics.ProgramAnalytics) -> dict[str, Any]:
    built = reports.build_report(found)
    outcomes = []
    for block in found.outcomes:
        correlations = block.correlations
        outcomes.append(
            {
                "instrument": block.instrument.code,
                "name": block.instrument.name,
                "named": block.named,
                "withheld": block.withheld,
                "n": block.n,
                "domains": [
                    {
                        "key": d.key,
                        "label": d.label,
                        "area": d.area,
                        "withheld": d.change is None,
                        "change": change_out(d.change),
                        "alpha_baseline": d.reliability_before.alpha
                        if d.reliability_before
                        else None,
                        "alpha_closure": d.reliability_after.alpha if d.reliability_after else None,
                    }
                    for d in block.domains
                ],
                "cohorts": [group_out(c) for c in block.cohorts],
                "correlations": [
                    {
                        "a": a,
                        "b": b,
                        "n": cell.n,
                        "r": cell.r,
                        "ci_low": cell.ci_low,
                        "ci_high": cell.ci_high,
                        "p_value": cell.p_value,
                    }
                    for (a, b), cell in (correlations.cells.items() if correlations else [])
                ],
            }
        )
    return {
        "program": found.program.code,
        "min_group_size": found.threshold,
        "cohort": found.filters.cohort,
        "format": found.filters.format,
        "cohorts": found.cohorts,
        "formats": found.formats,
        "summary": built.summary,
        "response_rates": [
            {
                "instrument": r.instrument,
                "occasion": r.occasion,
                "role": r.role,
                "withheld": r.rate is None,
                "assigned": r.rate.assigned if r.rate else None,
                "responded": r.rate.responded if r.rate else None,
                "rate": r.rate.rate if r.rate else None,
                "ci_low": r.rate.ci_low if r.rate else None,
                "ci_high": r.rate.ci_high if r.rate else None,
            }
            for r in found.rates
        ],
        "outcomes": outcomes,
        "relationships": [
            {
                "instrument": rel.instrument.code,
                "name": rel.instrument.name,
                "occasion": rel.occasion,
                "withheld": rel.withheld,
                "n": rel.n,
                "quadrants": [
                    {"key": k, "withheld": v is None, "count": v} for k, v in rel.quadrants.items()
                ],
                "bands": [{"key": k, "withheld": v is None, "count": v} for k, v in rel.bands],
            }
            for rel in found.relationships
        ],
        "means": [
            {
                "instrument": m.instrument.code,
                "name": m.instrument.name,
                "occasion": m.occasion,
                "withheld": m.withheld,
                "n": m.n,
                "domains": [
                    {
                        "key": key,
                        "label": label,
                        "n": e.n,
                        "mean": e.mean,
                        "ci_low": e.ci_low,
                        "ci_high": e.ci_high,
                    }
                    for key, label, e in m.domains
                ],
            }
            for m in found.means
        ],
        "formats_compared": [group_out(g) for g in built.format_rows],
    }


def _filters(params: FiltersIn) -> analytics.Filters:
    return analytics.Filters(cohort=params.cohort.strip(), format=params.format.strip())


@router.get("/programs/{code}/results", response={200: ProgramResultsOut, **READ_ERRORS})
def program_results(request: HttpRequest, code: str, params: Query[FiltersIn]) -> dict[str, Any]:
    """A programme's aggregate outcomes (its managers only); withheld groups carry no numbers."""
    program = analytics.report_program_for(request.user, code)
    record_read(
        request.user, "results.read", program, organization=program.organization, request=request
    )
    return results_out(report_cache.analytics_for(program, _filters(params)))


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/programs/{code}/results/{kind}",
    response={200: None, **READ_ERRORS},
    openapi_extra=FILE_RESPONSES,
)
def program_results_file(
    request: HttpRequest, code: str, kind: str, params: Query[FiltersIn]
) -> HttpResponse:
    """The aggregate results as ``csv`` or ``xlsx``, or the board report as ``pdf``."""
    program = analytics.report_program_for(request.user, code)
    found = report_cache.analytics_for(program, _filters(params))
    record_read(
        request.user,
        "results.exported",
        program,
        organization=program.organization,
        request=request,
        detail={"format": kind},
    )
    if kind == "pdf":
        data = report_cache.pdf_for(program, _filters(params))
        return _file(data, "application/pdf", f"outcomes-{program.code}.pdf")
    rows = reports.export_rows(found)
    if kind == "csv":
        data = exports.to_csv(exports.export_columns(), rows)
        return _file(data, "text/csv; charset=utf-8", f"outcomes-{program.code}.csv")
    if kind == "xlsx":
        data = exports.to_xlsx(
            exports.export_columns(),
            rows,
            title=program.name,
            notes=exports.aggregate_notes(program, found.threshold),
        )
        return _file(data, exports.XLSX_TYPE, f"outcomes-{program.code}.xlsx")
    raise Http404


@router.get(
    "/programs/{code}/answers/{instrument_code}",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def program_answers(request: HttpRequest, code: str, instrument_code: str) -> HttpResponse:
    """Every answer to a named instrument, with who gave it: managers only, audited. Anonymous
    instruments have no such export (404)."""
    program = analytics.report_program_for(request.user, code)
    instrument = exports.named_instrument_for(program, instrument_code)
    data = exports.named_answers(
        program=program, instrument=instrument, user=request.user, request=request
    )
    return _file(data, "text/csv; charset=utf-8", f"answers-{program.code}-{instrument.code}.csv")


@router.get("/results/mine", response={200: MyResultsOut, **AUTH_ERRORS})
def my_results(request: HttpRequest) -> dict[str, Any]:
    """The caller's own named scores over time; anonymous answers only as a count."""
    found = analytics.my_results(request.user)
    return {
        "series": [
            {
                "instrument": s.instrument.code,
                "name": s.instrument.name,
                "program": s.program.code,
                "occasions": s.occasions,
                "scores": s.values,
            }
            for s in found.series
        ],
        "anonymous_answered": found.anonymous_answered,
    }


@router.get("/results/competency", response={200: CompetencyResultsOut, **AUTH_ERRORS})
def my_competency(request: HttpRequest) -> dict[str, Any]:
    """The caller's mentor competency ratings by mentees (aggregate, whole batches of the
    minimum group size) beside their own self-rating, with what to work on."""
    found = analytics.mentor_competency(request.user, today=timezone.localdate())
    return {
        "min_group_size": found.threshold,
        "ratings": found.raters,
        "released": found.released,
        "withheld": found.withheld,
        "competencies": [
            {
                "key": row.key,
                "label": row.label,
                "self_rating": row.self_rating,
                "mentees_mean": row.others.mean if row.others else None,
                "mentees_ci_low": row.others.ci_low if row.others else None,
                "mentees_ci_high": row.others.ci_high if row.others else None,
                "tip": reports.growth_tip(row.key),
            }
            for row in found.rows
        ],
        "grow_in": [row.key for row in found.weakest],
    }
