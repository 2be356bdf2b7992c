"""Digital go-live API: the go-lives I manage or am in a team of, setting one up, its
checklist, milestones, issues log, team pulse, reverse-mentoring pairs and report."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from carementor.accounts.models import User
from carementor.golive import report, services
from carementor.golive.models import (
    PULSE_ITEMS,
    ChecklistItem,
    GoLive,
    Issue,
    IssueStatus,
    Milestone,
    ReversePair,
    Team,
    TeamMember,
)
from carementor.golive.permissions import can_create_in, get_golive_for
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Text
from carementor.organizations.models import Organization
from carementor.programs.models import Program

router = Router(tags=["golive"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class GoLiveIn(Schema):
    organization: str = Field(..., max_length=40, description="An organization code.")
    program: str | None = Field(None, max_length=40, description="A programme code (optional).")
    name: Text = Field(..., min_length=1, max_length=200)
    site: Text = Field(..., min_length=1, max_length=200)
    technology: Literal["ehr", "telehealth", "ai", "other"]
    go_live_on: datetime.date


class GoLiveOut(Schema):
    code: str
    organization: str
    program: str | None
    name: str
    site: str
    technology: str
    go_live_on: datetime.date

    @staticmethod
    def resolve_organization(obj: GoLive) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_program(obj: GoLive) -> str | None:
        return obj.program.code if obj.program else None


class GoLiveMemberOut(Schema):
    person: str
    name: str
    role: str


class GoLiveTeamOut(Schema):
    code: str
    name: str
    members: list[GoLiveMemberOut]


class GoLivePairOut(Schema):
    code: str
    junior: str
    junior_name: str
    senior: str
    senior_name: str
    focus: str

    @staticmethod
    def resolve_junior(obj: ReversePair) -> str:
        return obj.junior.code

    @staticmethod
    def resolve_junior_name(obj: ReversePair) -> str:
        return obj.junior.get_full_name()

    @staticmethod
    def resolve_senior(obj: ReversePair) -> str:
        return obj.senior.code

    @staticmethod
    def resolve_senior_name(obj: ReversePair) -> str:
        return obj.senior.get_full_name()


class GoLiveDetailOut(Schema):
    code: str
    organization: str
    program: str | None
    name: str
    site: str
    technology: str
    go_live_on: datetime.date
    my_roles: list[str]
    teams: list[GoLiveTeamOut]


class GoLiveTeamIn(Schema):
    name: Text = Field(..., min_length=1, max_length=120)


class GoLiveMemberIn(Schema):
    person: str = Field(..., max_length=16, description="The person's code.")
    role: Literal["coach", "member"]


class GoLiveChecklistIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)


class GoLiveChecklistOut(Schema):
    code: str
    title: str
    done: bool
    done_at: datetime.datetime | None

    @staticmethod
    def resolve_done(obj: ChecklistItem) -> bool:
        return obj.done_at is not None


class GoLiveChecklistMarkIn(Schema):
    done: bool


class GoLiveMilestoneIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    due_on: datetime.date


class GoLiveMilestoneOut(Schema):
    code: str
    title: str
    due_on: datetime.date
    passed: bool
    passed_on: datetime.date | None


class GoLiveIssueIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    severity: Literal["low", "medium", "high", "critical"]
    detail: Text = Field("", max_length=2000)
    team: str | None = Field(None, max_length=16, description="A team code (optional).")


class GoLiveIssueOut(Schema):
    code: str
    title: str
    detail: str
    severity: str
    status: str
    team: str | None
    raised_at: datetime.datetime
    resolution: str
    resolved_at: datetime.datetime | None

    @staticmethod
    def resolve_team(obj: Issue) -> str | None:
        return obj.team.code if obj.team else None


class GoLiveResolveIn(Schema):
    resolution: Text = Field(..., min_length=1, max_length=2000)


class GoLivePulseIn(Schema):
    confidence: int = Field(..., ge=1, le=5)
    support: int = Field(..., ge=1, le=5)
    care: int = Field(..., ge=1, le=5)
    workload: int = Field(..., ge=1, le=5)
    comment: Text = Field("", max_length=1000)


class GoLivePulseAnsweredOut(Schema):
    milestone: str
    answered: bool


class GoLivePairIn(Schema):
    junior: str = Field(..., max_length=16, description="The junior colleague's person code.")
    senior: str = Field(..., max_length=16, description="The senior colleague's person code.")
    focus: Text = Field("", max_length=200)


class GoLiveProgressOut(Schema):
    milestones: int
    milestones_passed: int
    checklist: int
    checklist_done: int
    open_issues: int
    open_by_severity: dict[str, int]
    resolved_issues: int


class GoLivePulseRowOut(Schema):
    label: str
    people: int
    withheld: bool
    means: dict[str, float]
    comments: list[str]


class GoLiveMilestonePulseOut(Schema):
    milestone: str
    title: str
    passed_on: datetime.date | None
    overall: GoLivePulseRowOut
    teams: list[GoLivePulseRowOut]


class GoLiveReportOut(Schema):
    golive: str
    min_group: int
    items: dict[str, str]
    progress: GoLiveProgressOut
    pairs: int
    pulse: list[GoLiveMilestonePulseOut]


def _invalid(field: str, message: str) -> services.GoLiveError:
    return services._invalid(message, field)


@router.get("/golives", response={200: list[GoLiveOut], **AUTH_ERRORS, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=25)
def golives_list(request: HttpRequest) -> Any:
    """Go-lives of the organizations I manage and those I am in a team of."""
    return GoLive.objects.visible_to(_user(request)).select_related("organization", "program")


@router.post("/golives", response={201: GoLiveOut, **WRITE_ERRORS})
def golives_create(request: HttpRequest, payload: GoLiveIn) -> Status[Any]:
    user = _user(request)
    organization = Organization.objects.filter(code=payload.organization).first()
    if organization is None or not can_create_in(user, organization.pk):
        raise _invalid("organization", _("Choose an organization you coordinate."))
    program = None
    if payload.program:
        program = Program.objects.filter(code=payload.program, organization=organization).first()
        if program is None:
            raise _invalid("program", _("Choose a programme of the same organization."))
    golive = services.golive_create(
        organization=organization,
        program=program,
        name=payload.name,
        site=payload.site,
        technology=payload.technology,
        go_live_on=payload.go_live_on,
        actor=user,
        request=request,
    )
    return Status(201, golive)


def _detail(golive: GoLive, user: User) -> dict[str, Any]:
    members: dict[int, list[dict[str, str]]] = {}
    my_roles = set()
    for m in TeamMember.objects.filter(team__golive=golive).select_related("user"):
        members.setdefault(m.team_id, []).append(
            {"person": m.user.code, "name": m.user.get_full_name(), "role": m.role}
        )
        if m.user_id == user.pk:
            my_roles.add(m.role)
    return {
        "code": golive.code,
        "organization": golive.organization.code,
        "program": golive.program.code if golive.program else None,
        "name": golive.name,
        "site": golive.site,
        "technology": golive.technology,
        "go_live_on": golive.go_live_on,
        "my_roles": sorted(my_roles),
        "teams": [
            {"code": t.code, "name": t.name, "members": members.get(t.pk, [])}
            for t in golive.teams.all()
        ],
    }


@router.get("/golives/{code}", response={200: GoLiveDetailOut, **READ_ERRORS})
def golives_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """A go-live with its teams, their members and super-users."""
    user = _user(request)
    access = get_golive_for(user, code)
    data = _detail(access.golive, user)
    if access.manager:
        data["my_roles"] = sorted({*data["my_roles"], "manager"})
    return data


@router.post("/golives/{code}/teams", response={201: GoLiveTeamOut, **WRITE_ERRORS})
def teams_create(request: HttpRequest, code: str, payload: GoLiveTeamIn) -> Status[Any]:
    user = _user(request)
    golive = get_golive_for(user, code, manage=True).golive
    team = services.team_add(golive=golive, name=payload.name, actor=user, request=request)
    return Status(201, {"code": team.code, "name": team.name, "members": []})


@router.put("/golives/{code}/teams/{team}/members", response={200: GoLiveMemberOut, **WRITE_ERRORS})
def members_put(request: HttpRequest, code: str, team: str, payload: GoLiveMemberIn) -> Any:
    """Add a person of the organization to a team as a coach (super-user) or member."""
    user = _user(request)
    golive = get_golive_for(user, code, manage=True).golive
    row = get_object_or_404(Team, golive=golive, code=team)
    person = services.organization_person(golive, code=payload.person)
    member = services.member_add(
        team=row, user=person, role=payload.role, actor=user, request=request
    )
    return {"person": person.code, "name": person.get_full_name(), "role": member.role}


@router.get(
    "/golives/{code}/checklist",
    response={200: list[GoLiveChecklistOut], **READ_ERRORS, 422: ErrorOut},
)
@paginate(BoundedPageNumberPagination, page_size=50)
def checklist_list(request: HttpRequest, code: str) -> Any:
    return get_golive_for(_user(request), code).golive.checklist.all()


@router.post("/golives/{code}/checklist", response={201: GoLiveChecklistOut, **WRITE_ERRORS})
def checklist_create(request: HttpRequest, code: str, payload: GoLiveChecklistIn) -> Status[Any]:
    user = _user(request)
    golive = get_golive_for(user, code, manage=True).golive
    return Status(
        201, services.checklist_add(golive=golive, title=payload.title, actor=user, request=request)
    )


@router.put("/golives/{code}/checklist/{item}", response={200: GoLiveChecklistOut, **WRITE_ERRORS})
def checklist_mark(
    request: HttpRequest, code: str, item: str, payload: GoLiveChecklistMarkIn
) -> ChecklistItem:
    """Tick a readiness item done, or reopen it (super-users and coordinators)."""
    user = _user(request)
    golive = get_golive_for(user, code, coach=True).golive
    row = get_object_or_404(ChecklistItem, golive=golive, code=item)
    return services.checklist_mark(item=row, done=payload.done, actor=user, request=request)


@router.get(
    "/golives/{code}/milestones",
    response={200: list[GoLiveMilestoneOut], **READ_ERRORS, 422: ErrorOut},
)
@paginate(BoundedPageNumberPagination, page_size=50)
def milestones_list(request: HttpRequest, code: str) -> Any:
    return get_golive_for(_user(request), code).golive.milestones.all()


@router.post("/golives/{code}/milestones", response={201: GoLiveMilestoneOut, **WRITE_ERRORS})
def milestones_create(request: HttpRequest, code: str, payload: GoLiveMilestoneIn) -> Status[Any]:
    user = _user(request)
    golive = get_golive_for(user, code, manage=True).golive
    milestone = services.milestone_add(
        golive=golive, title=payload.title, due_on=payload.due_on, actor=user, request=request
    )
    return Status(201, milestone)


@router.post(
    "/golives/{code}/milestones/{milestone}/pass",
    response={200: GoLiveMilestoneOut, **WRITE_ERRORS},
)
def milestones_pass(request: HttpRequest, code: str, milestone: str) -> Milestone:
    """A super-user or coordinator marks the milestone passed; the teams are asked for a pulse."""
    user = _user(request)
    golive = get_golive_for(user, code, coach=True).golive
    row = get_object_or_404(Milestone, golive=golive, code=milestone)
    return services.milestone_pass(milestone=row, actor=user, request=request)


@router.post(
    "/golives/{code}/milestones/{milestone}/pulse",
    response={201: GoLivePulseAnsweredOut, **WRITE_ERRORS},
)
def pulse_answer(
    request: HttpRequest, code: str, milestone: str, payload: GoLivePulseIn
) -> Status[Any]:
    """My pulse after a passed milestone: once; others see it only in groups of 5 or more."""
    user = _user(request)
    golive = get_golive_for(user, code).golive
    row = get_object_or_404(Milestone, golive=golive, code=milestone)
    services.pulse_answer(
        milestone=row,
        user=user,
        answers={key: getattr(payload, key) for key, _label in PULSE_ITEMS},
        comment=payload.comment,
        request=request,
    )
    return Status(201, {"milestone": row.code, "answered": True})


@router.get(
    "/golives/{code}/issues", response={200: list[GoLiveIssueOut], **READ_ERRORS, 422: ErrorOut}
)
@paginate(BoundedPageNumberPagination, page_size=25)
def issues_list(request: HttpRequest, code: str, status: str | None = None) -> Any:
    """The shared issues log, newest first; ``status``: open or resolved."""
    rows = get_golive_for(_user(request), code).golive.issues.select_related("team")
    if status in IssueStatus.values:
        rows = rows.filter(status=status)
    return rows


@router.post("/golives/{code}/issues", response={201: GoLiveIssueOut, **WRITE_ERRORS})
def issues_create(request: HttpRequest, code: str, payload: GoLiveIssueIn) -> Status[Any]:
    user = _user(request)
    golive = get_golive_for(user, code).golive
    team = None
    if payload.team:
        team = Team.objects.filter(golive=golive, code=payload.team).first()
        if team is None:
            raise _invalid("team", _("Choose a team of this go-live."))
    issue = services.issue_raise(
        golive=golive,
        title=payload.title,
        severity=payload.severity,
        detail=payload.detail,
        team=team,
        actor=user,
        request=request,
    )
    return Status(201, issue)


@router.post(
    "/golives/{code}/issues/{issue}/resolve", response={200: GoLiveIssueOut, **WRITE_ERRORS}
)
def issues_resolve(request: HttpRequest, code: str, issue: str, payload: GoLiveResolveIn) -> Issue:
    user = _user(request)
    golive = get_golive_for(user, code, coach=True).golive
    row = get_object_or_404(Issue.objects.select_related("team"), golive=golive, code=issue)
    return services.issue_resolve(
        issue=row, resolution=payload.resolution, actor=user, request=request
    )


@router.get(
    "/golives/{code}/pairs", response={200: list[GoLivePairOut], **READ_ERRORS, 422: ErrorOut}
)
@paginate(BoundedPageNumberPagination, page_size=25)
def pairs_list(request: HttpRequest, code: str) -> Any:
    """Reverse-mentoring pairs: a junior colleague coaches a senior one."""
    return get_golive_for(_user(request), code).golive.pairs.select_related("junior", "senior")


@router.post("/golives/{code}/pairs", response={201: GoLivePairOut, **WRITE_ERRORS})
def pairs_create(request: HttpRequest, code: str, payload: GoLivePairIn) -> Status[Any]:
    user = _user(request)
    golive = get_golive_for(user, code, manage=True).golive
    pair = services.pair_add(
        golive=golive,
        junior=services.organization_person(golive, code=payload.junior),
        senior=services.organization_person(golive, code=payload.senior),
        focus=payload.focus,
        actor=user,
        request=request,
    )
    return Status(201, pair)


def _pulse_row(row: report.PulseRow) -> dict[str, Any]:
    return {
        "label": row.label,
        "people": row.people,
        "withheld": row.withheld,
        "means": row.means,
        "comments": list(row.comments),
    }


@router.get("/golives/{code}/report", response={200: GoLiveReportOut, **READ_ERRORS})
def report_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """Adoption progress and the team pulse after each milestone (groups under 5 withheld)."""
    golive = get_golive_for(_user(request), code).golive
    return {
        "golive": golive.code,
        "min_group": report.MIN_GROUP,
        "items": {key: str(label) for key, label in PULSE_ITEMS},
        "progress": report.progress_of(golive).__dict__,
        "pairs": golive.pairs.count(),
        "pulse": [
            {
                "milestone": p.milestone.code,
                "title": p.milestone.title,
                "passed_on": p.milestone.passed_on,
                "overall": _pulse_row(p.overall),
                "teams": [_pulse_row(t) for t in p.teams],
            }
            for p in report.pulse_of(golive)
        ],
    }
