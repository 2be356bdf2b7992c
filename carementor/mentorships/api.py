"""Mentorships API: the same gates and services as the pages.

Relationship operations live here; meetings, plans and messages in their own modules, mounted
on this router. Party-only content (agreement words, meetings, notes, goals, messages) uses
``get_mentorship_for(..., as_party=True)``, so coordinators get 404 there, as outsiders do.
"""

from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.mentorships import calendar, services
from carementor.mentorships import serializers as ser
from carementor.mentorships.conversation import unread_filter
from carementor.mentorships.health import (
    at_risk_only,
    health_for,
    health_queryset,
    page_health,
    rows_by_pk,
)
from carementor.mentorships.models import (
    ActionItem,
    ExtensionRequest,
    Mentorship,
    MentorshipParty,
    Message,
    PartyRole,
)
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.schemas import (
    ActionItemOut,
    AgreementIn,
    AgreementOut,
    CloseIn,
    ExtensionDecideIn,
    ExtensionIn,
    ExtensionOut,
    FeedOut,
    HealthOut,
    HealthPageOut,
    HelpIn,
    MentorshipCreateIn,
    MentorshipOut,
    MentorshipPageOut,
    NetworkOut,
    PageIn,
    SignIn,
)
from carementor.mentorships.services import AgreementData
from carementor.organizations.models import Membership
from carementor.profiles.models import MentoringRole

router = Router(tags=["mentorships"])

PAGE_SIZE = 50


def _user(request: HttpRequest) -> Any:
    return request.user


@router.get("", response={200: MentorshipPageOut, **AUTH_ERRORS})
def list_mentorships(request: HttpRequest, params: Query[PageIn]) -> dict[str, Any]:
    """The mentorships you are a party to, newest first, with unread message counts."""
    user = _user(request)
    rows = (
        Mentorship.objects.with_party(user)
        .select_related("program", "organization")
        .prefetch_related("parties__user")
        .order_by("-created_at")
    )
    start = (params.page - 1) * PAGE_SIZE
    items = list(rows[start : start + PAGE_SIZE])
    unread = dict(
        Message.objects.filter(mentorship__in=[m.pk for m in items])
        .filter(unread_filter(user))
        .values("mentorship")
        .annotate(n=Count("id"))
        .values_list("mentorship", "n")
    )
    return {
        "count": rows.count(),
        "page": params.page,
        "items": [ser.mentorship(m, user, unread.get(m.pk, 0)) for m in items],
    }


@router.post("", response={201: MentorshipOut, **WRITE_ERRORS})
def create_mentorship(request: HttpRequest, payload: MentorshipCreateIn) -> Status:
    """A coordinator or admin of the programme's organization pairs people directly."""
    from carementor.accounts.models import User
    from carementor.programs.models import Program

    user = _user(request)
    overseen = Membership.objects.filter(user=user).filter(
        Q(is_coordinator=True) | Q(is_admin=True)
    )
    program = (
        Program.objects.filter(
            code=payload.program, organization__in=overseen.values("organization")
        )
        .select_related("organization")
        .first()
    )
    if program is None:
        raise Http404
    codes = set(payload.mentors) | set(payload.mentees)
    members = {
        u.code: u
        for u in User.objects.filter(code__in=codes, memberships__organization=program.organization)
    }
    missing = sorted(codes - set(members))
    if missing:
        raise ApiError(
            422,
            "Everyone must be a member of the programme's organization.",
            "invalid",
            [{"loc": ["body", "mentees"], "msg": f"Unknown or not a member: {', '.join(missing)}"}],
        )
    mentorship = services.mentorship_create(
        program=program,
        mentors=[members[c] for c in payload.mentors],
        mentees=[members[c] for c in payload.mentees],
        role=payload.role,
        actor=user,
        source="coordinator",
        request=request,
    )
    mentorship = get_mentorship_for(user, mentorship.code)
    return Status(201, ser.mentorship(mentorship, user, 0))


@router.get("/network", response={200: NetworkOut, **AUTH_ERRORS})
def my_network(request: HttpRequest) -> dict[str, Any]:
    """Your developmental network as a mentee: people by role, and the roles nobody fills."""
    user = _user(request)
    mine = MentorshipParty.objects.filter(user=user, role=PartyRole.MENTEE).filter(
        mentorship__phase__in=["proposed", "agreeing", "active", "closing"]
    )
    mentors = (
        MentorshipParty.objects.filter(
            mentorship__in=mine.values("mentorship"), role=PartyRole.MENTOR
        )
        .select_related("user", "mentorship")
        .order_by("user__full_name")
    )
    roles: dict[str, list[Any]] = {r: [] for r in MentoringRole.values}
    for party in mentors:
        roles[party.mentorship.role].append(ser.person(party.user))
    return {
        "roles": [{"role": r, "people": people} for r, people in roles.items()],
        "missing_roles": [r for r, people in roles.items() if not people],
    }


@router.get("/action-plan", response={200: list[ActionItemOut], **AUTH_ERRORS})
def my_action_plan(request: HttpRequest) -> list[dict[str, Any]]:
    """Open action items across all your mentorships, by due date."""
    items = (
        ActionItem.objects.filter(mentorship__parties__user=_user(request), done_at__isnull=True)
        .select_related("mentorship", "owner", "goal")
        .order_by("due_on", "id")
        .distinct()[:500]
    )
    return [ser.action_item(a) for a in items]


@router.post("/calendar-feed", response={201: FeedOut, **WRITE_ERRORS})
def create_feed(request: HttpRequest) -> Status:
    """Make a private calendar feed URL (revoking any previous one). Shown once."""
    raw = calendar.calendar_feed_create(user=_user(request), request=request)
    return Status(201, {"url": request.build_absolute_uri(f"/mentorships/calendar/feed/{raw}.ics")})


@router.delete("/calendar-feed", response={204: None, **AUTH_ERRORS})
def revoke_feed(request: HttpRequest) -> Status:
    calendar.calendar_feed_revoke(user=_user(request), request=request)
    return Status(204, None)


@router.get("/oversee/{org_code}", response={200: HealthPageOut, **READ_ERRORS})
def oversee(
    request: HttpRequest,
    org_code: str,
    params: Query[PageIn],
    phase: str = "",
    at_risk: bool = False,
) -> dict[str, Any]:
    """Relationship health for coordinators and admins: counts and dates, never content.
    ``at_risk=true`` keeps only the relationships that need attention."""
    membership = (
        Membership.objects.filter(user=_user(request), organization__code=org_code)
        .filter(Q(is_coordinator=True) | Q(is_admin=True))
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise Http404
    rows = health_queryset(membership.organization, phase=phase)
    now = timezone.now()
    if at_risk:
        rows = at_risk_only(rows, now=now)
    start = (params.page - 1) * PAGE_SIZE
    items = [
        {
            "code": m.code,
            "program_name": m.program.name,
            "phase": m.phase,
            "parties": ser.parties(m),
            "health": ser.health(h),
        }
        for m, h in page_health(
            rows_by_pk(rows, list(rows.values_list("pk", flat=True)[start : start + PAGE_SIZE])),
            now=now,
        )
    ]
    return {"count": rows.count(), "page": params.page, "items": items}


@router.get("/{code}", response={200: MentorshipOut, **READ_ERRORS})
def get_mentorship(request: HttpRequest, code: str) -> dict[str, Any]:
    user = _user(request)
    mentorship = get_mentorship_for(user, code)
    from carementor.mentorships.conversation import unread_count

    unread = unread_count(user, mentorship) if mentorship.has_party(user) else None
    return ser.mentorship(mentorship, user, unread)


@router.get("/{code}/health", response={200: HealthOut, **READ_ERRORS})
def get_health(request: HttpRequest, code: str) -> dict[str, Any]:
    return ser.health(health_for(get_mentorship_for(_user(request), code)))


@router.get("/{code}/agreement", response={200: AgreementOut, **READ_ERRORS})
def get_agreement(request: HttpRequest, code: str) -> dict[str, Any]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    agreement = services.current_agreement(mentorship)
    if agreement is None:
        raise Http404
    agreement.mentorship = mentorship
    return ser.agreement(agreement)


@router.put("/{code}/agreement", response={200: AgreementOut, **WRITE_ERRORS})
def put_agreement(request: HttpRequest, code: str, payload: AgreementIn) -> dict[str, Any]:
    """Edit the unsigned draft, or propose an amendment (a new version everyone re-signs).
    409 ``stale`` if the agreement changed since ``base_version``."""
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    data = AgreementData(
        goals=payload.goals,
        expectations=payload.expectations,
        meeting_frequency=payload.meeting_frequency,
        meeting_mode=payload.meeting_mode,
        duration=payload.duration,
        confidentiality=payload.confidentiality,
    )
    agreement = services.agreement_update(
        mentorship=mentorship,
        editor=_user(request),
        data=data,
        base_version=payload.base_version,
        request=request,
    )
    agreement.mentorship = mentorship
    return ser.agreement(agreement)


@router.post("/{code}/agreement/sign", response={200: AgreementOut, **WRITE_ERRORS})
def sign_agreement(request: HttpRequest, code: str, payload: SignIn) -> dict[str, Any]:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    services.agreement_sign(
        mentorship=mentorship, signer=_user(request), version=payload.version, request=request
    )
    return get_agreement(request, code)


@router.post("/{code}/help", response={201: None, **WRITE_ERRORS})
def ask_for_help(request: HttpRequest, code: str, payload: HelpIn) -> Status:
    """A party asks the programme's coordinators to step in."""
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    services.mentorship_request_help(
        mentorship=mentorship, user=_user(request), reason=payload.reason, request=request
    )
    return Status(201, None)


@router.post("/{code}/closing", response={200: MentorshipOut, **WRITE_ERRORS})
def start_closing(request: HttpRequest, code: str) -> dict[str, Any]:
    """Either party or a coordinator starts closure (a never-started mentorship just ends)."""
    user = _user(request)
    mentorship = get_mentorship_for(user, code)
    services.mentorship_start_closing(mentorship=mentorship, user=user, request=request)
    return ser.mentorship(get_mentorship_for(user, code), user)


@router.post("/{code}/close", response={200: MentorshipOut, **WRITE_ERRORS})
def close(request: HttpRequest, code: str, payload: CloseIn) -> dict[str, Any]:
    user = _user(request)
    mentorship = get_mentorship_for(user, code, as_party=True)
    services.mentorship_close(
        mentorship=mentorship,
        user=user,
        outcome=payload.outcome,
        reflection=payload.reflection,
        redefined_as=payload.redefined_as,
        request=request,
    )
    return ser.mentorship(get_mentorship_for(user, code), user)


def _extension(e: ExtensionRequest) -> dict[str, Any]:
    return {
        "code": e.code,
        "new_ends_on": e.new_ends_on,
        "reason": e.reason,
        "status": e.status,
        "requested_by": ser.person(e.requested_by),
        "created_at": e.created_at,
    }


@router.post("/{code}/extensions", response={201: ExtensionOut, **WRITE_ERRORS})
def request_extension(request: HttpRequest, code: str, payload: ExtensionIn) -> Status:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    extension = services.extension_request(
        mentorship=mentorship,
        user=_user(request),
        new_ends_on=payload.new_ends_on,
        reason=payload.reason,
        request=request,
    )
    return Status(201, _extension(extension))


@router.post(
    "/{code}/extensions/{extension_code}/decide", response={200: ExtensionOut, **WRITE_ERRORS}
)
def decide_extension(
    request: HttpRequest, code: str, extension_code: str, payload: ExtensionDecideIn
) -> dict[str, Any]:
    user = _user(request)
    mentorship = get_mentorship_for(user, code)
    if not services.is_overseer(user, mentorship.organization):
        raise Http404
    extension = (
        ExtensionRequest.objects.filter(mentorship=mentorship, code=extension_code)
        .select_related("requested_by")
        .first()
    )
    if extension is None:
        raise Http404
    decided = services.extension_decide(
        extension=extension, coordinator=user, approve=payload.approve, request=request
    )
    return _extension(decided)


from carementor.mentorships import api_meetings, api_plans  # noqa: E402

router.add_router("", api_meetings.router)
router.add_router("", api_plans.router)
