"""Goals, action items, the mentee's action plan across mentorships, and their network."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carementor.lib.http import AuthedRequest
from carementor.lib.safeguards import IdentifiersFound, shown
from carementor.mentorships import plans
from carementor.mentorships.forms import ActionItemForm, GoalForm, ProgressForm
from carementor.mentorships.models import (
    ENDED_PHASES,
    OPEN_PHASES,
    ActionItem,
    Goal,
    GoalProgress,
    Mentorship,
    MentorshipParty,
    PartyRole,
)
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.services import MentorshipError
from carementor.profiles.models import MentoringRole


def _plan_context(mentorship: Mentorship, **extra: Any) -> dict[str, Any]:
    goals = Goal.objects.filter(mentorship=mentorship).prefetch_related(
        "competencies", Prefetch("history", queryset=GoalProgress.objects.order_by("recorded_at"))
    )
    items = ActionItem.objects.filter(mentorship=mentorship).select_related("owner", "goal")
    return {
        "mentorship": mentorship,
        "goals": goals,
        "items": items,
        "goal_form": GoalForm(),
        "item_form": ActionItemForm(mentorship=mentorship),
        "progress_form": ProgressForm(),
        **extra,
    }


@login_required
@require_GET
def plan(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    return render(request, "mentorships/plan.html", _plan_context(mentorship))


@login_required
@require_POST
def goal_new(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = GoalForm(request.POST)
    findings: list[dict[str, str]] = []
    if form.is_valid():
        try:
            plans.goal_create(
                mentorship=mentorship,
                user=request.user,
                data=form.to_data(),
                request=request,
                confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
            )
        except IdentifiersFound as exc:
            findings = shown(exc.findings, plans.goal_text(form.to_data()))
            form = GoalForm(request.POST, warned=True)
            form.is_valid()
        except MentorshipError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Goal added."))
            return redirect("mentorships:plan", mentorship.code)
    context = _plan_context(mentorship, goal_form=form, goal_findings=findings)
    return render(request, "mentorships/plan.html", context, status=422)


def _goal(mentorship: Mentorship, goal_code: str) -> Goal:
    goal = Goal.objects.filter(mentorship=mentorship, code=goal_code).first()
    if goal is None:
        raise Http404
    goal.mentorship = mentorship
    return goal


@login_required
@require_POST
def goal_progress(request: AuthedRequest, code: str, goal_code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    goal = _goal(mentorship, goal_code)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Progress is between 0 and 100%."))
        return redirect("mentorships:plan", mentorship.code)
    note = form.cleaned_data["note"]
    try:
        plans.goal_progress(
            goal=goal,
            user=request.user,
            progress=form.cleaned_data["progress"],
            note=note,
            confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
        )
    except IdentifiersFound as exc:
        # The note stays in its box under this goal, with what was found and the box to confirm.
        context = _plan_context(
            mentorship,
            progress_goal=goal.code,
            progress_findings=shown(exc.findings, note),
            progress_value=form.cleaned_data["progress"],
            progress_note=note,
        )
        return render(request, "mentorships/plan.html", context, status=exc.status)
    except MentorshipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Progress recorded."))
    return redirect("mentorships:plan", mentorship.code)


@login_required
@require_POST
def action_new(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    form = ActionItemForm(request.POST, mentorship=mentorship)
    findings: list[dict[str, str]] = []
    if form.is_valid():
        try:
            plans.action_item_create(
                mentorship=mentorship,
                user=request.user,
                title=form.cleaned_data["title"],
                owner=form.owner_user(),
                due_on=form.cleaned_data["due_on"],
                goal=form.goal_obj(),
                confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
            )
        except IdentifiersFound as exc:
            findings = shown(exc.findings, " ".join(form.cleaned_data["title"].split()))
            form = ActionItemForm(request.POST, mentorship=mentorship, warned=True)
            form.is_valid()
        except MentorshipError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Action added."))
            return redirect("mentorships:plan", mentorship.code)
    context = _plan_context(mentorship, item_form=form, item_findings=findings)
    return render(request, "mentorships/plan.html", context, status=422)


@login_required
@require_POST
def action_done(request: AuthedRequest, code: str, item_code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    item = ActionItem.objects.filter(mentorship=mentorship, code=item_code).first()
    if item is None:
        raise Http404
    item.mentorship = mentorship
    plans.action_item_set_done(item=item, user=request.user, done=request.POST.get("done") == "1")
    if request.POST.get("next") == "action_plan":
        return redirect("mentorships:action_plan")
    return redirect("mentorships:plan", mentorship.code)


@login_required
@require_GET
def action_plan(request: AuthedRequest) -> HttpResponse:
    """Every open action item across all of the person's mentorships, overdue first."""
    items = (
        ActionItem.objects.filter(mentorship__parties__user=request.user)
        .filter(done_at__isnull=True)
        .select_related("mentorship__program", "owner", "goal")
        .order_by("due_on", "id")
        .distinct()
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    goals = (
        Goal.objects.filter(
            mentorship__parties__user=request.user,
            mentorship__parties__role=PartyRole.MENTEE,
            mentorship__phase__in=OPEN_PHASES,
        )
        .select_related("mentorship__program")
        .order_by("target_date", "id")
    )
    return render(request, "mentorships/action_plan.html", {"page": page, "goals": goals})


@login_required
@require_GET
def network(request: AuthedRequest) -> HttpResponse:
    """The mentee's developmental network: who they have in each role, across programs and
    organizations, and the roles nobody fills yet."""
    mine = MentorshipParty.objects.filter(user=request.user, role=PartyRole.MENTEE).values(
        "mentorship"
    )
    others = (
        MentorshipParty.objects.filter(mentorship__in=mine, role=PartyRole.MENTOR)
        .select_related("user", "mentorship__program", "mentorship__organization")
        .order_by("mentorship__role", "user__full_name")
    )
    by_role: dict[str, list[MentorshipParty]] = {role: [] for role in MentoringRole.values}
    for party in others:
        by_role[party.mentorship.role].append(party)
    rows = [
        {
            "role": label,
            "current": [p for p in by_role[value] if p.mentorship.phase not in ENDED_PHASES],
            "past": [p for p in by_role[value] if p.mentorship.phase in ENDED_PHASES],
        }
        for value, label in MentoringRole.choices
    ]
    return render(
        request,
        "mentorships/network.html",
        {"rows": rows, "missing": [r["role"] for r in rows if not r["current"]]},
    )
