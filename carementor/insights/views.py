from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carementor.audit.services import record_read
from carementor.insights import exports
from carementor.insights.access import (
    get_dashboard_organization,
    get_dashboard_program,
    get_national_organization,
)
from carementor.insights.charts import trend_charts
from carementor.insights.figures import (
    figures,
    outcome_label,
    phase_label,
    role_label,
    summary_rows,
)
from carementor.insights.national import (
    PAGE_SIZE,
    OrganizationRows,
    columns,
    national_programs,
    row_name,
    row_values,
    withheld_text,
)
from carementor.lib.http import AuthedRequest
from carementor.mentorships.models import Phase
from carementor.profiles.models import MentoringRole
from carementor.programs.models import Program


@login_required
@require_GET
def dashboard(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_dashboard_program(request.user, code)
    return _page(request, program, None, Program.objects.filter(pk=program.pk))


@login_required
@require_GET
def organization_dashboard(request: AuthedRequest, org_code: str) -> HttpResponse:
    """The same figures across every programme of the organization, for its admins."""
    organization = get_dashboard_organization(request.user, org_code)
    programs = Program.objects.filter(organization=organization)
    return _page(request, None, organization, programs)


@login_required
@require_GET
def national_dashboard(request: AuthedRequest, org_code: str) -> HttpResponse:
    """A national programme's figures, then the same for each organization taking part."""
    organization = get_national_organization(request.user, org_code)
    programs = national_programs(organization)
    page = Paginator(OrganizationRows(programs), PAGE_SIZE).get_page(request.GET.get("page"))
    national = {
        "page": page,
        "columns": [label for _key, label in columns()],
        "rows": [(row, row_name(row), row_values(row)) for row in page.object_list],
        "withheld": withheld_text(),
    }
    return _page(request, None, organization, programs, national=national)


def _page(
    request: AuthedRequest,
    program: Program | None,
    organization: Any,
    programs: Any,
    *,
    national: dict[str, Any] | None = None,
) -> HttpResponse:
    f = figures(programs)
    grid = {(r["phase"], r["role"]): r["count"] for r in f.by_phase_and_role}
    roles = [(v, label) for v, label in MentoringRole.choices]
    phases = [(v, label) for v, label in Phase.choices]
    return render(
        request,
        "insights/dashboard.html",
        {
            "program": program,
            "organization": organization,
            "programs": list(programs.order_by("name").only("code", "name")[:200])
            if organization is not None
            else [],
            "f": f,
            "summary": summary_rows(f),
            "charts": [
                (chart, list(zip(f.months, values, strict=True)))
                for chart, _key, values in trend_charts(f)
            ],
            "roles": roles,
            "phase_rows": [
                (label, [grid.get((value, r), 0) for r, _l in roles]) for value, label in phases
            ],
            "outcomes": [(outcome_label(k), v) for k, v in sorted(f.outcomes.items())],
            "by_role": [(role_label(k), v) for k, v in sorted(f.by_role.items())],
            "by_phase": [(phase_label(k), v) for k, v in sorted(f.by_phase.items())],
            "national": national,
        },
    )


@login_required
@require_GET
def export(request: AuthedRequest, code: str, fmt: str) -> HttpResponse:
    program = get_dashboard_program(request.user, code)
    f = figures(Program.objects.filter(pk=program.pk))
    record_read(
        request.user, "program.dashboard_exported", program, organization=program.organization
    )
    name = f"dashboard-{program.code}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(f), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(f, title=program.name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def national_export(request: AuthedRequest, org_code: str, fmt: str) -> HttpResponse:
    """The national figures and every organization's row (organizations are few: tens)."""
    organization = get_national_organization(request.user, org_code)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    programs = national_programs(organization)
    f = figures(programs)
    rows = list(OrganizationRows(programs))
    record_read(
        request.user, "national.dashboard_exported", organization, organization=organization
    )
    name = f"national-dashboard-{organization.code}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(f, organizations=rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.to_xlsx(f, title=organization.name, organizations=rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
