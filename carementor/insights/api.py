"""``GET /api/v1/programs/{code}/dashboard``: the coordinator's figures as JSON."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from carementor.accounts.models import User
from carementor.insights.access import (
    get_dashboard_organization,
    get_dashboard_program,
    get_national_organization,
)
from carementor.insights.figures import figures
from carementor.insights.national import (
    MIN_CELL,
    PAGE_SIZE,
    OrganizationRow,
    OrganizationRows,
    national_programs,
)
from carementor.lib.api_errors import READ_ERRORS
from carementor.lib.paging import MAX_PAGE, BoundedPageNumberPagination
from carementor.programs.models import Program

router = Router(tags=["programs"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


organization_router = Router(tags=["organizations"])


class PhaseRoleCountOut(Schema):
    phase: str
    role: str
    count: int


class ProgramDashboardOut(Schema):
    program: str
    mentees: int
    matched: int
    match_rate: float | None
    days_to_match: float | None
    by_phase: dict[str, int]
    by_role: dict[str, int]
    by_phase_and_role: list[PhaseRoleCountOut]
    at_risk: int
    active: int
    meetings_held: int
    meetings_per_relationship: float | None
    meetings_expected_per_relationship: float | None
    goals_set: int
    goals_met: int
    outcomes: dict[str, int]
    surveys_sent: int
    surveys_answered: int
    survey_response_rate: float | None
    certificates: int
    cpd_hours: float
    months: list[str]
    trends: dict[str, list[int]]


@router.get("/{code}/dashboard", response={200: ProgramDashboardOut, **READ_ERRORS})
def program_dashboard(request: HttpRequest, code: str) -> dict[str, Any]:
    program = get_dashboard_program(_user(request), code)
    f = figures(Program.objects.filter(pk=program.pk))
    return {"program": program.code, **f.__dict__}


@organization_router.get("/{code}/dashboard", response={200: ProgramDashboardOut, **READ_ERRORS})
def organization_dashboard(request: HttpRequest, code: str) -> dict[str, Any]:
    """The same figures across every programme of the organization (admins, coordinators)."""
    organization = get_dashboard_organization(_user(request), code)
    f = figures(Program.objects.filter(organization=organization))
    return {"program": "", **f.__dict__}


class NationalDashboardOut(ProgramDashboardOut):
    organization: str
    min_cell: int


@organization_router.get(
    "/{code}/national-dashboard", response={200: NationalDashboardOut, **READ_ERRORS}
)
def national_dashboard(request: HttpRequest, code: str) -> dict[str, Any]:
    """A national programme's figures across all its programmes (its leads: the national
    organization's admins and coordinators, and platform staff)."""
    organization = get_national_organization(_user(request), code)
    f = figures(national_programs(organization))
    return {"program": "", "organization": organization.code, "min_cell": MIN_CELL, **f.__dict__}


class NationalFiguresOut(Schema):
    mentees: int
    matched: int
    match_rate: float | None
    days_to_match: float | None
    by_phase: dict[str, int]
    by_role: dict[str, int]
    at_risk: int
    active: int
    meetings_held: int
    meetings_per_relationship: float | None
    meetings_expected_per_relationship: float | None
    goals_set: int
    goals_met: int
    outcomes: dict[str, int]
    surveys_sent: int
    surveys_answered: int
    survey_response_rate: float | None
    certificates: int
    cpd_hours: float


class NationalOrganizationOut(Schema):
    organization: str  # "" for the people who belong to no organization
    name: str
    participants: int
    withheld: bool
    figures: NationalFiguresOut | None

    @staticmethod
    def resolve_organization(obj: OrganizationRow) -> str:
        return obj.code

    @staticmethod
    def resolve_figures(obj: OrganizationRow) -> dict[str, Any] | None:
        if obj.figures is None:
            return None
        return {k: v for k, v in obj.figures.__dict__.items() if k not in ("months", "trends")}


class NationalPageInput(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


class NationalPagination(BoundedPageNumberPagination):
    """Each organization is one set of aggregate queries: pages stay small."""

    Input = NationalPageInput  # type: ignore[assignment]  # a name of its own in the schema


@organization_router.get(
    "/{code}/national-dashboard/organizations",
    response={200: list[NationalOrganizationOut], **READ_ERRORS},
)
@paginate(NationalPagination, page_size=PAGE_SIZE)
def national_dashboard_organizations(request: HttpRequest, code: str) -> Any:
    """The same figures for each organization whose members take part, by name; withheld
    (``figures`` null) for an organization with fewer than ``min_cell`` people taking part."""
    organization = get_national_organization(_user(request), code)
    return OrganizationRows(national_programs(organization))
