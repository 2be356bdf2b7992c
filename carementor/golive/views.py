"""Pages: my go-lives (and starting one), a go-live's overview with its teams, checklist,
milestones and pairs, its issues log, the pulse after a milestone, and its report."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.golive import report, services
from carementor.golive.forms import (
    ChecklistForm,
    GoLiveForm,
    IssueForm,
    MemberForm,
    MilestoneForm,
    PairForm,
    PulseForm,
    ResolveForm,
    TeamForm,
)
from carementor.golive.models import (
    PULSE_ITEMS,
    PULSE_SHORT,
    ChecklistItem,
    GoLive,
    Issue,
    IssueStatus,
    Milestone,
    TeamMember,
)
from carementor.golive.permissions import get_golive_for
from carementor.lib.http import AuthedRequest
from carementor.organizations import roles
from carementor.organizations.models import Organization

PAGE_SIZE = 25


def _valid(form: Any) -> dict[str, Any]:
    """Cleaned data of a valid form; otherwise the first error, as a 422 page."""
    if form.is_valid():
        return dict(form.cleaned_data)
    field, errors = next(iter(form.errors.items()))
    raise services._invalid(str(errors[0]), field)


def _managed_organizations(request: AuthedRequest) -> Any:
    if request.user.is_staff:
        return Organization.objects.order_by("name")
    return Organization.objects.filter(
        pk__in=roles.managed_organization_ids(request.user)
    ).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthedRequest) -> HttpResponse:
    organizations = _managed_organizations(request)
    form = GoLiveForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            golive = services.golive_create(
                actor=request.user, request=request, **form.cleaned_data
            )
            messages.success(
                request, _("Go-live created. Add its teams, checklist and milestones.")
            )
            return redirect("golive:detail", golive.code)
        status = 422
    rows = GoLive.objects.visible_to(request.user).select_related("organization")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "golive/index.html",
        {"page": page, "form": form if organizations.exists() else None},
        status=status,
    )


@login_required
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_golive_for(request.user, code)
    golive = access.golive
    teams = list(golive.teams.all())
    members = TeamMember.objects.filter(team__golive=golive).select_related("user", "team")
    milestones = list(golive.milestones.all())
    answered = set(golive.milestones.filter(pulses__user=request.user).values_list("pk", flat=True))
    people = services.people_of(golive) if access.manager else []
    return render(
        request,
        "golive/detail.html",
        {
            "access": access,
            "golive": golive,
            "teams": teams,
            "members": members,
            "checklist": golive.checklist.select_related("done_by"),
            "milestones": milestones,
            "answered": answered,
            "pairs": golive.pairs.select_related("junior", "senior"),
            "progress": report.progress_of(golive),
            "team_form": TeamForm(),
            "member_form": MemberForm(teams=golive.teams.all()),
            "checklist_form": ChecklistForm(),
            "milestone_form": MilestoneForm(),
            "pair_form": PairForm(people=_people_queryset(people)),
        },
    )


def _people_queryset(people: list[Any]) -> Any:
    from carementor.accounts.models import User

    return User.objects.filter(pk__in=[p.pk for p in people]).order_by("full_name", "id")


@login_required
@require_POST
def team_add(request: AuthedRequest, code: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, manage=True).golive
    services.team_add(
        golive=golive, actor=request.user, request=request, **_valid(TeamForm(request.POST))
    )
    messages.success(request, _("Team added."))
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def member_add(request: AuthedRequest, code: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, manage=True).golive
    data = _valid(MemberForm(request.POST, teams=golive.teams.all()))
    person = services.organization_person(golive, email=data["email"])
    services.member_add(
        team=data["team"], user=person, role=data["role"], actor=request.user, request=request
    )
    messages.success(request, _("Added to the team."))
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def checklist_add(request: AuthedRequest, code: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, manage=True).golive
    services.checklist_add(
        golive=golive, actor=request.user, request=request, **_valid(ChecklistForm(request.POST))
    )
    messages.success(request, _("Readiness item added."))
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def checklist_mark(request: AuthedRequest, code: str, item: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, coach=True).golive
    row = get_object_or_404(ChecklistItem, golive=golive, code=item)
    services.checklist_mark(
        item=row, done=request.POST.get("done") == "1", actor=request.user, request=request
    )
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def milestone_add(request: AuthedRequest, code: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, manage=True).golive
    services.milestone_add(
        golive=golive, actor=request.user, request=request, **_valid(MilestoneForm(request.POST))
    )
    messages.success(request, _("Milestone added."))
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def milestone_pass(request: AuthedRequest, code: str, milestone: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, coach=True).golive
    row = get_object_or_404(Milestone, golive=golive, code=milestone)
    services.milestone_pass(milestone=row, actor=request.user, request=request)
    messages.success(request, _("Milestone passed. The teams have been asked for their pulse."))
    return redirect("golive:detail", golive.code)


@login_required
@require_POST
def pair_add(request: AuthedRequest, code: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, manage=True).golive
    people = _people_queryset(services.people_of(golive))
    services.pair_add(
        golive=golive,
        actor=request.user,
        request=request,
        **_valid(PairForm(request.POST, people=people)),
    )
    messages.success(request, _("Reverse-mentoring pair added."))
    return redirect("golive:detail", golive.code)


@login_required
@require_http_methods(["GET", "POST"])
def issues(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_golive_for(request.user, code)
    golive = access.golive
    form = IssueForm(request.POST if request.method == "POST" else None, teams=golive.teams.all())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.issue_raise(
                golive=golive, actor=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Issue logged. The super-users have been told."))
            return redirect("golive:issues", golive.code)
        status = 422
    shown = request.GET.get("status", "")
    rows = golive.issues.select_related("team", "raised_by", "resolved_by")
    if shown in IssueStatus.values:
        rows = rows.filter(status=shown)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "golive/issues.html",
        {
            "access": access,
            "golive": golive,
            "page": page,
            "form": form,
            "resolve_form": ResolveForm(),
            "shown": shown,
        },
        status=status,
    )


@login_required
@require_POST
def issue_resolve(request: AuthedRequest, code: str, issue: str) -> HttpResponse:
    golive = get_golive_for(request.user, code, coach=True).golive
    row = get_object_or_404(Issue, golive=golive, code=issue)
    services.issue_resolve(
        issue=row, actor=request.user, request=request, **_valid(ResolveForm(request.POST))
    )
    messages.success(request, _("Issue resolved."))
    return redirect("golive:issues", golive.code)


@login_required
@require_http_methods(["GET", "POST"])
def pulse(request: AuthedRequest, code: str, milestone: str) -> HttpResponse:
    access = get_golive_for(request.user, code)
    golive = access.golive
    row = get_object_or_404(Milestone, golive=golive, code=milestone)
    form = PulseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.pulse_answer(
                milestone=row,
                user=request.user,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                request=request,
            )
            messages.success(request, _("Thank you. Your answers count only in the team's totals."))
            return redirect("golive:detail", golive.code)
        status = 422
    return render(
        request,
        "golive/pulse.html",
        {
            "golive": golive,
            "milestone": row,
            "form": form,
            "answered": services.has_answered(row, request.user),
            "can_answer": access.member,
            "min_group": report.MIN_GROUP,
        },
        status=status,
    )


@login_required
@require_GET
def report_page(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_golive_for(request.user, code)
    pulses = report.pulse_of(access.golive)
    return render(
        request,
        "golive/report.html",
        {
            "golive": access.golive,
            "progress": report.progress_of(access.golive),
            "pulses": pulses,
            "chart": report.pulse_chart(pulses),
            "items": [(key, PULSE_SHORT[key], label) for key, label in PULSE_ITEMS],
            "min_group": report.MIN_GROUP,
            "pairs": access.golive.pairs.count(),
        },
    )
