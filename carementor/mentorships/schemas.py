"""API schemas for mentorships: explicit In and Out, never ``__all__``."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class PersonOut(Schema):
    code: str
    full_name: str


class PartyOut(Schema):
    person: PersonOut
    role: str


class HealthOut(Schema):
    last_meeting_at: datetime | None
    meetings_held: int
    meetings_expected: int
    open_action_items: int
    overdue_action_items: int
    pending_signatures: int
    help_requested: bool
    at_risk: bool
    reasons: list[str]


class MentorshipOut(Schema):
    code: str
    program: str
    program_name: str
    organization: str
    role: str
    source: str
    phase: str
    next_step: str
    parties: list[PartyOut]
    created_at: datetime
    activated_at: datetime | None
    ends_on: date | None
    closed_at: datetime | None
    outcome: str
    redefined_as: str
    is_party: bool
    unread_messages: int | None = None
    # The parties' own closing words: null for coordinators.
    reflection: str | None = None


class MentorshipPageOut(Schema):
    count: int
    page: int
    items: list[MentorshipOut]


class MentorshipCreateIn(Schema):
    program: str
    role: Literal["mentor", "coach", "advisor", "sponsor", "peer"]
    mentors: list[str] = Field(min_length=1, max_length=10, description="User codes")
    mentees: list[str] = Field(min_length=1, max_length=50, description="User codes")


class SignatureOut(Schema):
    signer: PersonOut
    signed_at: datetime


class AgreementOut(Schema):
    version: int
    goals: str
    expectations: str
    meeting_frequency: str
    meeting_mode: str
    duration: str
    confidentiality: str
    body: str
    created_at: datetime
    effective_at: datetime | None
    signatures: list[SignatureOut]
    pending_signers: list[PersonOut]


class AgreementIn(Schema):
    base_version: int
    goals: str = Field(max_length=5000)
    expectations: str = Field("", max_length=5000)
    meeting_frequency: str = Field(max_length=200)
    meeting_mode: str = Field("", max_length=200)
    duration: str = Field("", max_length=200)
    confidentiality: str = Field(min_length=1, max_length=5000)


class SignIn(Schema):
    version: int


class HelpIn(Schema):
    reason: str = Field("", max_length=2000)


class CloseIn(Schema):
    outcome: Literal["achieved", "partly", "not_achieved", "ended_early"]
    reflection: str = Field(min_length=1, max_length=10000)
    redefined_as: Literal["", "mentor", "coach", "advisor", "sponsor", "peer"] = ""


class ExtensionIn(Schema):
    new_ends_on: date
    reason: str = Field("", max_length=2000)


class ExtensionOut(Schema):
    code: str
    new_ends_on: date
    reason: str
    status: str
    requested_by: PersonOut
    created_at: datetime


class DecideIn(Schema):
    approve: bool


class MeetingIn(Schema):
    starts_at: datetime = Field(description="ISO 8601 with an offset; stored in UTC")
    duration_minutes: int = Field(45, ge=5, le=600)
    mode: Literal["in_person", "video", "phone"] = "video"
    title: str = Field("", max_length=200)
    location: str = Field("", max_length=300)
    video_url: str = Field("", max_length=500, description="https only; empty → a Jitsi room")
    is_closure: bool = False


class MeetingOut(Schema):
    code: str
    title: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    mode: str
    location: str
    video_url: str
    status: str
    is_closure: bool
    sequence: int
    ics_url: str


class RecordIn(Schema):
    status: Literal["held", "no_show"]
    present: list[str] = Field(default_factory=list, description="User codes present")


class AgendaItemOut(Schema):
    code: str
    text: str
    position: int
    covered: bool
    carried_over: bool
    added_by: PersonOut | None


class AgendaItemIn(Schema):
    text: str = Field(min_length=1, max_length=500)


class AgendaOrderIn(Schema):
    codes: list[str]


class CoveredIn(Schema):
    covered: bool


class SharedNoteOut(Schema):
    body: str
    version: int
    updated_by: PersonOut | None
    updated_at: datetime | None


class SharedNoteIn(Schema):
    body: str = Field(max_length=50000)
    base_version: int = Field(ge=0)


class PrivateNoteOut(Schema):
    body: str
    updated_at: datetime | None


class PrivateNoteIn(Schema):
    body: str = Field(max_length=50000)


class GoalOut(Schema):
    code: str
    title: str
    measure: str
    why: str
    target_date: date | None
    competencies: list[str]
    status: str
    progress: int
    history: list[tuple[datetime, int]]


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    measure: str = Field("", max_length=500)
    why: str = Field("", max_length=2000)
    target_date: date | None = None
    competencies: list[str] = Field(default_factory=list, description="Competency codes")


class ProgressIn(Schema):
    progress: int = Field(ge=0, le=100)
    note: str = Field("", max_length=500)
    status: Literal["", "open", "achieved", "dropped"] = ""


class ActionItemOut(Schema):
    code: str
    mentorship: str
    title: str
    owner: PersonOut
    due_on: date | None
    done_at: datetime | None
    goal: str | None
    overdue: bool


class ActionItemIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(description="User code of a party")
    due_on: date | None = None
    goal: str | None = None


class DoneIn(Schema):
    done: bool = True


class AttachmentOut(Schema):
    code: str
    name: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    code: str
    author: PersonOut | None
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class MessagePageOut(Schema):
    count: int
    unread: int
    page: int
    items: list[MessageOut]


class FeedOut(Schema):
    url: str = Field(description="Shown once; subscribe to it in a calendar app")


class NetworkRoleOut(Schema):
    role: str
    people: list[PersonOut]


class NetworkOut(Schema):
    roles: list[NetworkRoleOut]
    missing_roles: list[str]


class HealthRowOut(Schema):
    code: str
    program_name: str
    phase: str
    parties: list[PartyOut]
    health: HealthOut


class HealthPageOut(Schema):
    count: int
    page: int
    items: list[HealthRowOut]


class PageIn(Schema):
    page: int = Field(1, ge=1)
