"""Roles and the open network in the API (mounted at /api/v1/): the same services as the pages.

``GET /roles`` — every mentoring role with its definition and defaults.
``GET /network/mentors`` — search the open network (works without any organization).
``POST /network/requests`` — ask a network mentor; the answer is a programme request.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from carementor.accounts.models import User
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Text
from carementor.network import services
from carementor.network.search import search
from carementor.profiles.roles import ROLES

router = Router(tags=["network"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class RoleOut(Schema):
    value: str
    label: str
    definition: str
    mentor_title: str
    mentee_title: str
    reciprocal: bool
    agreement_goals: str
    agreement_expectations: str
    cadence_days: int
    duration_months: int
    closure_questions: list[str]
    survey_occasions: list[str]


@router.get("/roles", response={200: list[RoleOut], **READ_ERRORS})
def roles(request: HttpRequest) -> list[dict[str, Any]]:
    return [r.as_dict() for r in ROLES.values()]


class NetworkFilters(Schema):
    role: Text = ""
    specialty: Text = ""
    subspecialty: Text = ""
    language: Text = ""
    region: Text = ""
    country: Text = ""
    career_stage: Text = ""
    slot: Text = ""
    competency: Text = ""
    digital: bool = False
    mode: Text = ""
    q: Text = Field("", max_length=80)
    page: int = Field(1, ge=1, le=10_000)


class NetworkMentorOut(Schema):
    user: str
    full_name: str
    headline: str
    roles: list[str]
    online: bool
    in_person: bool
    regions: list[str]
    free_places: int
    score: float
    reasons: list[dict[str, Any]]


class NetworkSearchOut(Schema):
    count: int
    page: int
    pages: int
    nearest: bool
    items: list[NetworkMentorOut]


@router.get("/network/mentors", response={200: NetworkSearchOut, **READ_ERRORS})
def network_mentors(request: HttpRequest, filters: Query[NetworkFilters]) -> dict[str, Any]:
    user = _user(request)
    missing = services.missing_for_network(user)
    if missing:
        raise ApiError(
            403,
            "Complete your profile first: " + ", ".join(missing) + ".",
            "profile_incomplete",
        )
    raw = filters.dict(exclude={"page"})
    raw["digital"] = "1" if filters.digital else ""
    result = search(user, raw, page=filters.page)
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "nearest": result.nearest,
        "items": [
            {
                "user": h.user.code,
                "full_name": h.user.full_name,
                "headline": getattr(getattr(h.user, "profile", None), "headline", ""),
                "roles": h.offer.roles,
                "online": h.offer.online,
                "in_person": h.offer.in_person,
                "regions": h.offer.region_list(),
                "free_places": h.free_places,
                "score": h.score,
                "reasons": h.reasons,
            }
            for h in result.hits
        ],
    }


class NetworkRequestIn(Schema):
    mentor: Text = Field(..., min_length=1, max_length=16)
    role: Text = Field("mentor", max_length=20)
    note: Text = Field(..., max_length=2000)


class NetworkRequestOut(Schema):
    code: str
    program: str
    mentor: str
    role: str
    status: str
    score: float | None
    reasons: list[Any]
    expires_at: Any


@router.post("/network/requests", response={201: NetworkRequestOut, **WRITE_ERRORS})
def network_request(request: HttpRequest, payload: NetworkRequestIn) -> Status[Any]:
    mentee = _user(request)
    mentor = User.objects.filter(code=payload.mentor, is_active=True).first()
    if mentor is None:
        raise ApiError(404, "No such mentor in the network.", "not_found")
    found = services.request_send(
        mentee=mentee, mentor=mentor, role=payload.role, note=payload.note
    )
    return Status(
        201,
        {
            "code": found.code,
            "program": found.program.code,
            "mentor": mentor.code,
            "role": found.role,
            "status": found.status,
            "score": found.score,
            "reasons": found.reasons,
            "expires_at": found.expires_at,
        },
    )


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)


@router.post("/network/ratings/{mentorship}", response={204: None, **WRITE_ERRORS})
def network_rate(request: HttpRequest, mentorship: str, payload: RatingIn) -> Status[None]:
    from carementor.mentorships.permissions import get_mentorship_for

    found = get_mentorship_for(_user(request), mentorship, as_party=True)
    services.rate(mentorship=found, rater=_user(request), score=payload.score)
    return Status(204, None)


class NetworkRatingOut(Schema):
    mentor: str = Field(..., alias="mentor__code")
    full_name: str = Field(..., alias="mentor__full_name")
    raters: int
    average: float
    poor: bool


@router.get("/network/ratings", response={200: list[NetworkRatingOut], **READ_ERRORS})
@paginate(BoundedPageNumberPagination, page_size=25)
def network_ratings(request: HttpRequest) -> Any:
    """Platform staff only: mentors rated privately by at least five people, lowest average
    first, ``poor`` below the threshold that tells staff."""
    if not _user(request).is_staff:
        raise ApiError(403, "Only platform staff read the ratings.", "forbidden")
    return services.rating_summary()


class NetworkSavedSearchIn(NetworkFilters):
    name: Text = Field("", max_length=120)


class NetworkSavedSearchOut(Schema):
    code: str
    name: str
    filters: dict[str, str]
    created_at: Any
    last_notified_at: Any


@router.get("/network/searches", response={200: list[NetworkSavedSearchOut], **READ_ERRORS})
@paginate(BoundedPageNumberPagination, page_size=25)
def network_searches(request: HttpRequest) -> Any:
    """The person's saved searches, newest first: each tells them when a matching mentor
    joins the network."""
    from carementor.network.models import SavedSearch

    return SavedSearch.objects.filter(user=_user(request)).order_by("-created_at", "pk")


@router.post("/network/searches", response={201: NetworkSavedSearchOut, **WRITE_ERRORS})
def network_search_save(request: HttpRequest, payload: NetworkSavedSearchIn) -> Status[Any]:
    raw = payload.dict(exclude={"page", "name"})
    raw["digital"] = "1" if payload.digital else ""
    saved = services.search_save(user=_user(request), name=payload.name, filters=raw)
    return Status(201, saved)


@router.delete("/network/searches/{code}", response={204: None, **WRITE_ERRORS})
def network_search_delete(request: HttpRequest, code: str) -> Status[None]:
    if not services.search_delete(user=_user(request), code=code):
        raise ApiError(404, "Not found.", "not_found")
    return Status(204, None)


class NetworkBlockIn(Schema):
    user: Text = Field(..., min_length=1, max_length=16)


class ReportIn(Schema):
    user: Text = Field(..., min_length=1, max_length=16)
    reason: Text = Field(..., max_length=4000)


def _other(code: str) -> User:
    other = User.objects.filter(code=code).first()
    if other is None:
        raise ApiError(404, "Not found.", "not_found")
    return other


@router.post("/network/blocks", response={204: None, **WRITE_ERRORS})
def network_block(request: HttpRequest, payload: NetworkBlockIn) -> Status[None]:
    services.block(blocker=_user(request), blocked=_other(payload.user))
    return Status(204, None)


@router.post("/network/reports", response={204: None, **WRITE_ERRORS})
def network_report(request: HttpRequest, payload: ReportIn) -> Status[None]:
    services.report(reporter=_user(request), reported=_other(payload.user), reason=payload.reason)
    return Status(204, None)
