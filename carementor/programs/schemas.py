"""API schemas for programmes, enrolments, imports, suggestions and requests."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from carementor.lib.paging import PageParams as PageParams  # one shared definition
from carementor.lib.text import Text


class ProgramIn(Schema):
    name: Text = Field(..., min_length=1, max_length=200)
    template: Text = ""
    summary: Text = Field("", max_length=4000)
    format: (
        Literal[
            "one_to_one",
            "group",
            "peer",
            "near_peer",
            "flash",
            "speed",
            "reverse",
            "e_mentoring",
            "network",
        ]
        | None
    ) = None
    focus: (
        Literal["career", "clinical_skill", "research", "leadership", "digital", "wellbeing"] | None
    ) = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    enrollment_opens_on: datetime.date | None = None
    enrollment_closes_on: datetime.date | None = None
    roles: list[Literal["mentor", "coach", "advisor", "sponsor", "peer"]] | None = None
    # Open relationships of a role one mentee may hold at once (roles left out: one).
    role_limits: (
        dict[
            Literal["mentor", "coach", "advisor", "sponsor", "peer"],
            Annotated[int, Field(ge=1, le=20)],
        ]
        | None
    ) = None
    matching_mode: Literal["self", "coordinator", "hybrid"] | None = None
    weights: dict[str, float] | None = None
    verification_kind: Literal["licence", "identity_employment", "by_profession"] | None = None
    default_mentor_capacity: int | None = Field(None, ge=0, le=50)
    circle_size: int | None = Field(None, ge=2, le=30)
    max_open_requests: int | None = Field(None, ge=1, le=20)
    request_expiry_days: int | None = Field(None, ge=1, le=90)
    request_reminder_days: int | None = Field(None, ge=1, le=90)
    pause_after_ignored: int | None = Field(None, ge=1, le=20)
    meeting_cadence_days: int | None = Field(None, ge=1, le=365)
    agreement_template: Text | None = Field(None, max_length=20000)
    cpd_hours_mentee: Decimal | None = Field(None, ge=0, le=999)
    cpd_hours_mentor: Decimal | None = Field(None, ge=0, le=999)


class ProgramUpdateIn(ProgramIn):
    name: Text | None = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]


class ProgramOut(Schema):
    code: str
    organization: str
    name: str
    summary: str
    format: str
    focus: str
    template: str
    status: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    enrollment_opens_on: datetime.date | None
    enrollment_closes_on: datetime.date | None
    roles: list[str]
    role_limits: dict[str, int]
    matching_mode: str
    weights: dict[str, float]
    verification_kind: str
    default_mentor_capacity: int
    circle_size: int
    max_open_requests: int
    request_expiry_days: int
    meeting_cadence_days: int
    agreement_template: str


class ProgramPageOut(Schema):
    count: int
    items: list[ProgramOut]


class TemplateOut(Schema):
    slug: str
    name: str
    description: str
    format: str
    focus: str


class StatusIn(Schema):
    status: Literal["published", "closed", "archived"]


class ApplyIn(Schema):
    role: Literal["mentor", "mentee", "both"]
    answers: dict[str, str] = Field(default_factory=dict)


class EnrollmentOut(Schema):
    code: str
    program: str
    user: str
    email: str
    full_name: str
    role: str
    status: str
    capacity: int
    seats_taken: int
    answers: dict[str, Any]
    decision_note: str


class EnrollmentPageOut(Schema):
    count: int
    items: list[EnrollmentOut]


class EnrollmentDecideIn(Schema):
    status: Literal["approved", "waitlisted", "declined"]
    note: Text = Field("", max_length=500)


class CapacityIn(Schema):
    capacity: int = Field(..., ge=0, le=50)


class ImportOut(Schema):
    code: str
    filename: str
    status: str
    rows: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    report: dict[str, Any]
    progress_done: int
    progress_total: int
    error: str


class SuggestionFilters(Schema):
    profession: Text = ""
    specialty: Text = ""
    language: Text = ""
    role: Text = ""
    format: Text = ""
    slot: Text = ""
    limit: int = Field(10, ge=1, le=50)


class ReasonOut(Schema):
    code: str
    text: str


class SuggestionOut(Schema):
    user: str
    full_name: str
    score: float
    free_places: int
    bookmarked: bool
    reasons: list[ReasonOut]


class MarkIn(Schema):
    kind: Literal["bookmark", "dismiss", ""]


class RequestIn(Schema):
    mentor: Text = Field(..., description="The mentor's user code")
    note: Text = Field(..., min_length=1, max_length=2000)
    role: Literal["mentor", "coach", "advisor", "sponsor", "peer"] = "mentor"


class RequestActionIn(Schema):
    text: Text = Field("", max_length=2000)


class RequestOut(Schema):
    code: str
    program: str
    mentee: str
    mentor: str
    role: str
    note: str
    status: str
    score: float | None
    reasons: list[ReasonOut]
    question: str
    answer: str
    decline_reason: str
    expires_at: datetime.datetime
    created_at: datetime.datetime


class RequestPageOut(Schema):
    count: int
    items: list[RequestOut]


class RequestFilters(PageParams):
    box: Literal["received", "sent"] = "received"
    open: bool = False
