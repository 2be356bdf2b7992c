"""Finding a mentor: suggestions with reasons, requests and the mentor's answers.

Mounted under /programs/ (namespace ``programs``) because every page lives inside a programme.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.accounts.models import User
from carementor.lib.http import AuthedRequest
from carementor.matching import services
from carementor.matching.mentorships_bridge import (
    full_roles_of,
    roles_at_limit,
    with_role_holdings,
)
from carementor.matching.models import MatchRequest
from carementor.matching.permissions import get_request_for
from carementor.matching.services import MatchError
from carementor.matching.suggestions import mentor_enrollments, suggest
from carementor.profiles.models import MeetingFormat, MentoringRole, Slot
from carementor.profiles.roles import RoleDefinition, role_definition
from carementor.profiles.vocabulary import vocabulary
from carementor.programs.models import Enrollment, Program
from carementor.programs.permissions import get_program_for

PAGE_SIZE = 25
FILTERS = ("profession", "specialty", "language", "role", "format", "slot")


def _mentee_enrollment(program: Program, user: User) -> Enrollment | None:
    return with_role_holdings(
        Enrollment.objects.filter(
            program=program, user=user, status=Enrollment.Status.APPROVED
        ).exclude(role=Enrollment.Role.MENTOR)
    ).first()


@login_required
@require_GET
def suggestions(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    enrollment = _mentee_enrollment(program, request.user)
    filters = {k: request.GET.get(k, "")[:60] for k in FILTERS if request.GET.get(k)}
    full_roles = full_roles_of(program, enrollment) if enrollment else []
    offered = list(program.roles or ["mentor"])
    at_limit = not [r for r in offered if r not in full_roles] or filters.get("role") in full_roles
    found = suggest(program, request.user, k=20, filters=filters) if enrollment else []
    if at_limit:
        found = []
    open_count = MatchRequest.objects.open().filter(program=program, mentee=request.user).count()
    return render(
        request,
        "matching/suggestions.html",
        {
            "program": program,
            "enrollment": enrollment,
            "suggestions": found,
            "filters": filters,
            "open_count": open_count,
            "full_roles": [role_definition(r) for r in full_roles],
            "at_limit": at_limit,
            "professions": vocabulary().professions,
            "languages": vocabulary().languages,
            "roles": MentoringRole.choices,
            "formats": MeetingFormat.choices,
            "slots": Slot.choices,
        },
    )


@login_required
@require_POST
def mark(request: AuthedRequest, code: str, user_code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    mentor = mentor_enrollments(program).filter(user__code=user_code).first()
    if mentor is None or _mentee_enrollment(program, request.user) is None:
        raise Http404
    try:
        services.mark_set(
            program=program,
            mentee=request.user,
            mentor=mentor.user,
            kind=request.POST.get("kind", ""),
        )
    except MatchError as exc:
        messages.error(request, exc.message)
    return redirect("programs:suggestions", program.code)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest, code: str, user_code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    seat = (
        mentor_enrollments(program)
        .select_related("user__profile")
        .filter(user__code=user_code)
        .first()
    )
    if seat is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            match_request = services.request_send(
                program=program,
                mentee=request.user,
                mentor=seat.user,
                note=request.POST.get("note", ""),
                role=request.POST.get("role", "mentor") or "mentor",
            )
        except MatchError as exc:
            error = exc.message
            status = exc.status
        else:
            messages.success(request, _("Request sent."))
            return redirect("programs:request_detail", match_request.code)
    else:
        status = 200
    return render(
        request,
        "matching/request_new.html",
        {
            "program": program,
            "mentor": seat.user,
            "error": error,
            "roles": _request_roles(program, request.user),
            "note": request.POST.get("note", ""),
        },
        status=status,
    )


def _request_roles(program: Program, mentee: User) -> list[RoleDefinition]:
    """The roles a mentee may ask for now: the programme's, less those at their limit."""
    full = set(roles_at_limit(program, mentee))
    offered = [r for r in MentoringRole.values if r in (program.roles or ["mentor"])]
    return [role_definition(r) for r in offered or ["mentor"] if r not in full]


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    box = request.GET.get("box", "received")
    qs = MatchRequest.objects.select_related("program", "mentee", "mentor").order_by("-created_at")
    qs = qs.filter(mentor=request.user) if box == "received" else qs.filter(mentee=request.user)
    if request.GET.get("open"):
        qs = qs.filter(status__in=MatchRequest.OPEN)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "matching/inbox.html", {"page": page, "box": box, "query": f"box={box}"})


@login_required
@require_GET
def request_detail(request: AuthedRequest, code: str) -> HttpResponse:
    match_request = get_request_for(request.user, code)
    return render(
        request,
        "matching/request_detail.html",
        {
            "req": match_request,
            "is_mentor": match_request.mentor_id == request.user.pk,
            "is_mentee": match_request.mentee_id == request.user.pk,
        },
    )


@login_required
@require_POST
def request_act(request: AuthedRequest, code: str, action: str) -> HttpResponse:
    match_request = get_request_for(request.user, code)
    text = request.POST.get("text", "")
    try:
        if action == "accept":
            services.request_accept(match_request=match_request, actor=request.user)
        elif action == "decline":
            services.request_decline(match_request=match_request, actor=request.user, reason=text)
        elif action == "ask":
            services.request_ask(match_request=match_request, actor=request.user, question=text)
        elif action == "answer":
            services.request_answer(match_request=match_request, actor=request.user, answer=text)
        elif action == "withdraw":
            services.request_withdraw(match_request=match_request, actor=request.user)
        else:
            raise Http404
    except MatchError as exc:
        match_request.refresh_from_db()
        return render(
            request,
            "matching/request_detail.html",
            {
                "req": match_request,
                "error": exc.message,
                "is_mentor": match_request.mentor_id == request.user.pk,
                "is_mentee": match_request.mentee_id == request.user.pk,
            },
            status=exc.status,
        )
    messages.success(request, _("Done."))
    return redirect("programs:request_detail", match_request.code)


@login_required
@require_GET
def queue(request: AuthedRequest, code: str) -> HttpResponse:
    """The coordinator's reassignment queue: paused mentors, and mentees whose requests lapsed."""
    program = get_program_for(request.user, code, manage=True)
    paused = program.enrollments.filter(paused_at__isnull=False).select_related("user")
    lapsed = (
        MatchRequest.objects.filter(program=program, status=MatchRequest.Status.EXPIRED)
        .exclude(
            mentee__in=MatchRequest.objects.filter(
                Q(status__in=MatchRequest.OPEN) | Q(status=MatchRequest.Status.ACCEPTED),
                program=program,
            ).values("mentee")
        )
        .select_related("mentee", "mentor")
        .order_by("-expires_at")
    )
    page = Paginator(lapsed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/queue.html",
        {"program": program, "paused": paused[:100], "page": page},
    )
