"""Coordinator matching pages: runs, their proposals and quality chart, pair rules, manual pairs.

Mounted under /programs/<code>/runs/ (namespace ``programs``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carementor.accounts.models import User
from carementor.lib.http import AuthedRequest
from carementor.matching import formats_run
from carementor.matching import runs as services
from carementor.matching.charts import quality_svg
from carementor.matching.cohort_run import unmatched_rows
from carementor.matching.models import MatchRun, PairRule
from carementor.matching.permissions import get_run_for
from carementor.matching.services import MatchError
from carementor.matching.suggestions import mentor_enrollments
from carementor.profiles.roles import role_definition
from carementor.programs.models import Program
from carementor.programs.permissions import get_program_for

PAGE_SIZE = 50
CHOICES_LIMIT = 500  # people offered in a pick list; larger cohorts use the API


def _people(program: Program) -> dict[str, object]:
    mentees = (
        User.objects.filter(
            enrollments__program=program,
            enrollments__status="approved",
            enrollments__role__in=["mentee", "both"],
        )
        .order_by("full_name", "email")
        .only("code", "full_name", "email")[:CHOICES_LIMIT]
    )
    mentors = (
        User.objects.filter(pk__in=mentor_enrollments(program).values("user_id"))
        .order_by("full_name", "email")
        .only("code", "full_name", "email")[:CHOICES_LIMIT]
    )
    return {"mentee_choices": mentees, "mentor_choices": mentors}


def _user(code: str) -> User:
    user = User.objects.filter(code=code[:16]).first() if code else None
    if user is None:
        raise Http404
    return user


@login_required
@require_GET
def run_list(request: AuthedRequest, code: str) -> HttpResponse:
    return _list_page(request, get_program_for(request.user, code, manage=True))


def _list_page(
    request: AuthedRequest, program: Program, error: str = "", status: int = 200
) -> HttpResponse:
    page = Paginator(
        MatchRun.objects.filter(program=program).select_related("created_by"), 20
    ).get_page(request.GET.get("page"))
    rules = PairRule.objects.filter(program=program).select_related("mentee", "mentor")
    return render(
        request,
        "matching/runs.html",
        {
            "program": program,
            "page": page,
            "rules": rules.order_by("-created_at")[:200],
            "modes": MatchRun.Mode.choices,
            # The roles a coordinator may pair in, each with its definition.
            "pair_roles": [role_definition(r) for r in program.roles or ["mentor"]],
            "error": error,
            **_people(program),
        },
        status=status,
    )


@login_required
@require_POST
def run_start(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    try:
        run = services.run_start(
            program=program,
            actor=request.user,
            mode=request.POST.get("mode", ""),
            maximize_matched=request.POST.get("maximize_matched") == "on",
            request=request,
        )
    except MatchError as exc:
        return _list_page(request, program, exc.message, exc.status)
    return redirect("programs:run_detail", program.code, run.code)


@login_required
@require_GET
def run_detail(request: AuthedRequest, code: str, run_code: str) -> HttpResponse:
    run = get_run_for(request.user, code, run_code)
    if request.headers.get("HX-Request") and request.GET.get("part") == "progress":
        return render(request, "matching/run_detail.html#progress", {"run": run})
    return _detail_page(request, run)


def _detail_page(
    request: AuthedRequest, run: MatchRun, error: str = "", status: int = 200, swap: str = ""
) -> HttpResponse:
    program = run.program
    shape = formats_run.shape(program)
    # A circle's members sit together on the page, under their leader.
    order = (
        ("mentor__full_name", "mentor_id", "-score", "pk")
        if shape in ("circles", "families")
        else ("-score", "pk")
    )
    proposals = run.proposals.select_related("mentee", "mentor").order_by(*order)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    pairs = {
        (mentee, mentor): kind
        for mentee, mentor, kind in PairRule.objects.filter(
            program=program, mentee__in=[p.mentee_id for p in page.object_list]
        ).values_list("mentee_id", "mentor_id", "kind")
    }
    residents = (
        formats_run.resident_ids(program, [p.mentor_id for p in page.object_list])
        if shape == "families"
        else set()
    )
    for proposal in page.object_list:
        proposal.rule = pairs.get((proposal.mentee_id, proposal.mentor_id), "")  # type: ignore[attr-defined]
        proposal.leads_family = proposal.mentor_id in residents  # type: ignore[attr-defined]
    histogram = run.stats.get("histogram") or []
    return render(
        request,
        "matching/run_detail.html",
        {
            "program": program,
            "run": run,
            "shape": shape,
            "page": page,
            # The unmatched list lives in the run's row; a national run has tens of thousands.
            "unmatched": Paginator(unmatched_rows(run), PAGE_SIZE).get_page(
                request.GET.get("unmatched")
            ),
            "buckets": [(i * 10, i * 10 + 10, n) for i, n in enumerate(histogram)],
            "error": error,
            # The mentor picker is rendered for one person at a time (?swap=<code>), so a page
            # of 50 proposals does not carry 50 copies of every mentor's name.
            "swap": swap or request.GET.get("swap", "")[:16],
            **_people(program),
        },
        status=status,
    )


@login_required
@require_GET
def run_chart(request: AuthedRequest, code: str, run_code: str) -> HttpResponse:
    run = get_run_for(request.user, code, run_code)
    svg = quality_svg(run.stats.get("histogram") or [], title=_("Match quality"))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
@require_POST
def run_publish(request: AuthedRequest, code: str, run_code: str) -> HttpResponse:
    run = get_run_for(request.user, code, run_code)
    try:
        services.run_publish(run=run, actor=request.user, request=request)
    except MatchError as exc:
        run.refresh_from_db()
        return _detail_page(request, run, exc.message, exc.status)
    messages.success(request, _("Matches published; everyone has been told."))
    return redirect("programs:run_detail", code, run.code)


@login_required
@require_POST
def proposal_swap(request: AuthedRequest, code: str, run_code: str, mentee: str) -> HttpResponse:
    run = get_run_for(request.user, code, run_code)
    person = _user(mentee)
    mentor = _user(request.POST.get("mentor", ""))
    try:
        services.proposal_swap(run=run, mentee=person, mentor=mentor, actor=request.user)
    except MatchError as exc:
        return _detail_page(request, run, exc.message, exc.status, swap=person.code)
    messages.success(request, _("Proposal changed and locked for the next run."))
    return redirect("programs:run_detail", code, run.code)


@login_required
@require_POST
def pair_rule(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    mentee, mentor = _user(request.POST.get("mentee", "")), _user(request.POST.get("mentor", ""))
    run = MatchRun.objects.filter(program=program, code=request.POST.get("run", "")[:16]).first()
    try:
        services.pair_rule_set(
            program=program,
            mentee=mentee,
            mentor=mentor,
            kind=request.POST.get("kind", ""),
            actor=request.user,
            request=request,
        )
    except MatchError as exc:
        if run is not None:
            return _detail_page(request, run, exc.message, exc.status)
        return _list_page(request, program, exc.message, exc.status)
    messages.success(request, _("Pair rule saved; it applies from the next run."))
    if run is not None:
        return redirect("programs:run_detail", program.code, run.code)
    return redirect("programs:runs", program.code)


@login_required
@require_POST
def pair_create(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    mentee, mentor = _user(request.POST.get("mentee", "")), _user(request.POST.get("mentor", ""))
    try:
        services.pair_create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            actor=request.user,
            role=request.POST.get("role", ""),
            request=request,
        )
    except MatchError as exc:
        return _list_page(request, program, exc.message, exc.status)
    messages.success(request, _("Pair created; both have been told."))
    return redirect("programs:runs", program.code)
