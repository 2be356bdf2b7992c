"""Well-being API: my check-ins and trend, support, preferences, shared summaries, the
organization's support contacts (admins) and a programme's aggregate trend (coordinators)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from carementor.accounts.models import User
from carementor.audit.services import record_read
from carementor.lib import worry
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Text
from carementor.mentorships.models import PartyRole
from carementor.wellbeing import trends, who5
from carementor.wellbeing.helplines import Helpline
from carementor.wellbeing.models import CheckIn, SharedSummary, SupportContacts
from carementor.wellbeing.permissions import (
    get_checkin_for,
    get_program_trend_for,
    get_share_for,
    get_support_organization_for,
)
from carementor.wellbeing.services import (
    SUPPORT_FIELDS,
    WellbeingError,
    checkin_take,
    mentorships_to_share_with,
    preference_for,
    preference_set,
    summary_share,
    summary_withdraw,
    support_contacts_set,
)
from carementor.wellbeing.signposting import Signposting, signposting_for

router = Router(tags=["wellbeing"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class WellbeingChoiceOut(Schema):
    value: int
    label: str


class WellbeingQuestionnaireOut(Schema):
    stem: str
    items: list[str]
    scale: list[WellbeingChoiceOut]
    burnout_question: str
    burnout_scale: list[WellbeingChoiceOut]
    acknowledgement: str
    poor_at_or_below: int
    screening_at_or_below: int


class WellbeingCheckInIn(Schema):
    answers: list[int] = Field(
        ..., min_length=5, max_length=5, description="The five WHO-5 answers, each 0 to 5."
    )
    burnout: int = Field(..., ge=1, le=5)
    note: Text = Field("", max_length=2000)


class WellbeingCheckInOut(Schema):
    code: str
    taken_at: datetime
    answers: list[int]
    raw_score: int
    score: int
    burnout: int
    note: str
    band: str
    needs_signposting: bool

    @staticmethod
    def resolve_band(obj: CheckIn) -> str:
        return obj.reading().band

    @staticmethod
    def resolve_needs_signposting(obj: CheckIn) -> bool:
        return obj.reading().needs_signposting


class WellbeingContactsOut(Schema):
    organization: str
    organization_name: str
    eap_name: str
    eap_phone: str
    eap_email: str
    eap_url: str
    eap_hours: str
    oh_name: str
    oh_phone: str
    oh_email: str
    oh_url: str
    oh_hours: str
    note: str


class WellbeingHelplineOut(Schema):
    key: str
    country: str
    name: str
    phone: str
    audience: str
    hours: str
    url: str
    checked_on: date
    emergency: bool


class WellbeingSupportOut(Schema):
    contacts: list[WellbeingContactsOut]
    helplines: list[WellbeingHelplineOut]


class WellbeingCheckInResultOut(Schema):
    checkin: WellbeingCheckInOut
    worrying_words: bool
    support: WellbeingSupportOut | None


class WellbeingPointOut(Schema):
    code: str
    taken_at: datetime
    score: int
    burnout: int
    band: str


class WellbeingPreferenceIO(Schema):
    monthly_invitation: bool


class WellbeingContactsIn(Schema):
    eap_name: Text = Field("", max_length=200)
    eap_phone: Text = Field("", max_length=40)
    eap_email: Text = Field("", max_length=254)
    eap_url: Text = Field("", max_length=200)
    eap_hours: Text = Field("", max_length=200)
    oh_name: Text = Field("", max_length=200)
    oh_phone: Text = Field("", max_length=40)
    oh_email: Text = Field("", max_length=254)
    oh_url: Text = Field("", max_length=200)
    oh_hours: Text = Field("", max_length=200)
    note: Text = Field("", max_length=1000)


class WellbeingShareIn(Schema):
    mentorship: str = Field(..., max_length=16)
    message: Text = Field("", max_length=1000)


class WellbeingShareOut(Schema):
    code: str
    owner: str
    owner_name: str
    mentorship: str
    created_at: datetime
    first_taken_at: datetime
    last_taken_at: datetime
    checkins: int
    mean_score: int
    latest_score: int
    latest_burnout: int
    message: str

    @staticmethod
    def resolve_owner(obj: SharedSummary) -> str:
        return obj.owner.code

    @staticmethod
    def resolve_owner_name(obj: SharedSummary) -> str:
        return obj.owner.get_full_name()

    @staticmethod
    def resolve_mentorship(obj: SharedSummary) -> str:
        return obj.mentorship.code


class WellbeingMonthOut(Schema):
    month: date
    people: int
    withheld: bool
    mean_score: float | None
    burnout_share: float | None


class WellbeingProgramTrendOut(Schema):
    program: str
    min_group: int
    months: list[WellbeingMonthOut]


def _contacts_out(c: SupportContacts) -> dict[str, Any]:
    return {
        "organization": c.organization.code,
        "organization_name": c.organization.name,
        **{field: getattr(c, field) for field in SUPPORT_FIELDS},
    }


def _helpline_out(h: Helpline) -> dict[str, Any]:
    return {
        "key": h.key,
        "country": h.country,
        "name": h.name,
        "phone": h.phone,
        "audience": str(h.audience),
        "hours": str(h.hours),
        "url": h.url,
        "checked_on": h.checked_on,
        "emergency": h.emergency,
    }


def _support_out(s: Signposting) -> dict[str, Any]:
    return {
        "contacts": [_contacts_out(c) for c in s.contacts],
        "helplines": [_helpline_out(h) for h in s.helplines],
    }


@router.get("/questionnaire", response={200: WellbeingQuestionnaireOut, **AUTH_ERRORS})
def questionnaire(request: HttpRequest) -> dict[str, Any]:
    """The WHO-5 statements and scale, the burnout item, and the WHO-5 acknowledgement."""
    return {
        "stem": str(who5.STEM),
        "items": [str(item) for item in who5.ITEMS],
        "scale": [{"value": v, "label": str(label)} for v, label in who5.SCALE],
        "burnout_question": str(who5.BURNOUT_QUESTION),
        "burnout_scale": [{"value": v, "label": str(label)} for v, label in who5.BURNOUT_SCALE],
        "acknowledgement": str(who5.ACKNOWLEDGEMENT),
        "poor_at_or_below": who5.POOR_AT_OR_BELOW,
        "screening_at_or_below": who5.SCREENING_AT_OR_BELOW,
    }


@router.get("/checkins", response={200: list[WellbeingCheckInOut], **AUTH_ERRORS, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=20)
def checkins_list(request: HttpRequest) -> Any:
    return CheckIn.objects.of(_user(request))


@router.post("/checkins", response={201: WellbeingCheckInResultOut, **WRITE_ERRORS})
def checkins_create(request: HttpRequest, payload: WellbeingCheckInIn) -> Status[Any]:
    """Take a check-in. When the score is low, burnout is reported or the note holds
    worrying words, ``support`` lists where to get help."""
    user = _user(request)
    checkin = checkin_take(
        user=user,
        answers=payload.answers,
        burnout=payload.burnout,
        note=payload.note,
        request=request,
    )
    worrying = bool(worry.worrying_words(checkin.note))
    needs = checkin.reading().needs_signposting or worrying
    return Status(
        201,
        {
            "checkin": checkin,
            "worrying_words": worrying,
            "support": _support_out(signposting_for(user)) if needs else None,
        },
    )


@router.get("/checkins/{code}", response={200: WellbeingCheckInOut, **READ_ERRORS})
def checkins_get(request: HttpRequest, code: str) -> CheckIn:
    return get_checkin_for(_user(request), code)


@router.get("/trend", response={200: list[WellbeingPointOut], **AUTH_ERRORS})
def trend(request: HttpRequest) -> list[dict[str, Any]]:
    """My last check-ins, oldest first (only ever my own)."""
    return [p.__dict__ for p in trends.personal_points(_user(request))]


@router.get("/support", response={200: WellbeingSupportOut, **AUTH_ERRORS})
def support(request: HttpRequest) -> dict[str, Any]:
    """My organizations' support contacts and the help lines of my countries."""
    return _support_out(signposting_for(_user(request)))


@router.get("/preferences", response={200: WellbeingPreferenceIO, **AUTH_ERRORS})
def preferences_get(request: HttpRequest) -> dict[str, bool]:
    return {"monthly_invitation": preference_for(_user(request)).monthly_invitation}


@router.put("/preferences", response={200: WellbeingPreferenceIO, **WRITE_ERRORS})
def preferences_put(request: HttpRequest, payload: WellbeingPreferenceIO) -> dict[str, bool]:
    pref = preference_set(user=_user(request), monthly_invitation=payload.monthly_invitation)
    return {"monthly_invitation": pref.monthly_invitation}


@router.get("/shares", response={200: list[WellbeingShareOut], **AUTH_ERRORS, 422: ErrorOut})
@paginate(BoundedPageNumberPagination, page_size=20)
def shares_list(request: HttpRequest) -> Any:
    """Summaries I shared."""
    rows = SharedSummary.objects.filter(owner=_user(request)).select_related("owner", "mentorship")
    return rows


@router.get(
    "/shares/received", response={200: list[WellbeingShareOut], **AUTH_ERRORS, 422: ErrorOut}
)
@paginate(BoundedPageNumberPagination, page_size=20)
def shares_received(request: HttpRequest) -> Any:
    """Summaries my mentees shared with me."""
    rows = (
        SharedSummary.objects.filter(
            mentorship__parties__user=_user(request), mentorship__parties__role=PartyRole.MENTOR
        )
        .select_related("owner", "mentorship")
        .distinct()
    )
    return rows


@router.post("/shares", response={201: WellbeingShareOut, **WRITE_ERRORS})
def shares_create(request: HttpRequest, payload: WellbeingShareIn) -> Status[Any]:
    user = _user(request)
    mentorship = mentorships_to_share_with(user).filter(code=payload.mentorship).first()
    if mentorship is None:
        raise WellbeingError(
            _("You can share only with the mentors of your open mentorships."),
            status=404,
            code="not_found",
        )
    share = summary_share(
        owner=user, mentorship=mentorship, message=payload.message, request=request
    )
    return Status(201, share)


@router.get("/shares/{code}", response={200: WellbeingShareOut, **READ_ERRORS})
def shares_get(request: HttpRequest, code: str) -> SharedSummary:
    user = _user(request)
    share = get_share_for(user, code)
    if share.owner_id != user.pk:
        record_read(
            user, "wellbeing.summary.read", share, organization=share.mentorship.organization
        )
    return share


@router.delete("/shares/{code}", response={204: None, **READ_ERRORS})
def shares_delete(request: HttpRequest, code: str) -> Status[None]:
    user = _user(request)
    summary_withdraw(owner=user, share=get_share_for(user, code, owner_only=True), request=request)
    return Status(204, None)


@router.get("/organizations/{code}/support", response={200: WellbeingContactsOut, **READ_ERRORS})
def organization_support_get(request: HttpRequest, code: str) -> Any:
    organization = get_support_organization_for(_user(request), code)
    contacts = SupportContacts.objects.filter(organization=organization).first()
    if contacts is None:
        contacts = SupportContacts(organization=organization)
    return _contacts_out(contacts)


@router.put("/organizations/{code}/support", response={200: WellbeingContactsOut, **WRITE_ERRORS})
def organization_support_put(
    request: HttpRequest, code: str, payload: WellbeingContactsIn
) -> dict[str, Any]:
    """Set the organization's employee-assistance and occupational-health contacts (admins)."""
    user = _user(request)
    organization = get_support_organization_for(user, code, write=True)
    contacts = support_contacts_set(
        organization=organization, actor=user, values=payload.dict(), request=request
    )
    return _contacts_out(contacts)


@router.get("/programs/{code}/trend", response={200: WellbeingProgramTrendOut, **READ_ERRORS})
def program_trend(request: HttpRequest, code: str) -> dict[str, Any]:
    """Participants' mean WHO-5 by month, withheld below the minimum group size."""
    user = _user(request)
    program = get_program_trend_for(user, code)
    record_read(user, "wellbeing.programme_trend.read", program, organization=program.organization)
    return {
        "program": program.code,
        "min_group": trends.MIN_GROUP,
        "months": [
            {
                "month": m.month,
                "people": m.people,
                "withheld": m.withheld,
                "mean_score": m.mean_score,
                "burnout_share": m.burnout_share,
            }
            for m in trends.program_months(program)
        ],
    }
