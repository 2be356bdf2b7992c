"""API schemas for mentorships: explicit In and Out, never ``__all__``."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, WithJsonSchema

from carementor.lib.paging import MAX_PAGE
from carementor.lib.text import Text


class PersonOut(Schema):
    code: str
    full_name: str


class PartyOut(Schema):
    person: PersonOut
    role: str
    title: str = ""  # what this side is called in the relationship's role (Sponsor, Protégé)


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
    program: Text
    role: Literal["mentor", "coach", "advisor", "sponsor", "peer"]
    mentors: list[Text] = Field(min_length=1, max_length=10, description="User codes")
    mentees: list[Text] = Field(min_length=1, max_length=50, description="User codes")


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
    goals: Text = Field(max_length=5000)
    expectations: Text = Field("", max_length=5000)
    meeting_frequency: Text = Field(max_length=200)
    meeting_mode: Text = Field("", max_length=200)
    duration: Text = Field("", max_length=200)
    confidentiality: Text = Field(min_length=1, max_length=5000)


class SignIn(Schema):
    version: int


class HelpIn(Schema):
    reason: Text = Field("", max_length=2000)


class CloseIn(Schema):
    outcome: Literal["achieved", "partly", "not_achieved", "ended_early"]
    reflection: Text = Field(min_length=1, max_length=10000)
    redefined_as: Literal["", "mentor", "coach", "advisor", "sponsor", "peer"] = ""


class ExtensionIn(Schema):
    new_ends_on: date
    reason: Text = Field("", max_length=2000)


class ExtensionOut(Schema):
    code: str
    new_ends_on: date
    reason: str
    status: str
    requested_by: PersonOut
    created_at: datetime


class ExtensionDecideIn(Schema):
    approve: bool


class MeetingIn(Schema):
    starts_at: datetime = Field(description="ISO 8601 with an offset; stored in UTC")
    duration_minutes: int = Field(45, ge=5, le=600)
    mode: Literal["in_person", "video", "phone"] = "video"
    title: Text = Field("", max_length=200)
    location: Text = Field("", max_length=300)
    video_url: Text = Field("", max_length=500, description="https only; empty → a Jitsi room")
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
    present: list[Text] = Field(default_factory=list, description="User codes present")


class AgendaItemOut(Schema):
    code: str
    text: str
    position: int
    covered: bool
    carried_over: bool
    added_by: PersonOut | None


class AgendaItemIn(Schema):
    text: Text = Field(min_length=1, max_length=500)
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


class AgendaOrderIn(Schema):
    codes: list[Text]


class CoveredIn(Schema):
    covered: bool


class SharedNoteOut(Schema):
    body: str
    version: int
    updated_by: PersonOut | None
    updated_at: datetime | None


class SharedNoteIn(Schema):
    body: Text = Field(max_length=50000)
    base_version: int = Field(ge=0)
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


class PrivateNoteOut(Schema):
    body: str
    updated_at: datetime | None


class PrivateNoteIn(Schema):
    body: Text = Field(max_length=50000)
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


class GoalOut(Schema):
    code: str
    title: str
    measure: str
    why: str
    target_date: date | None
    competencies: list[str]
    status: str
    progress: int
    history: Annotated[
        list[tuple[datetime, int]],
        # ninja writes a tuple as an array of item schemas, which OpenAPI 3.1 does not allow.
        WithJsonSchema(
            {
                "type": "array",
                "description": "[when, progress] pairs, oldest first.",
                "items": {
                    "type": "array",
                    # Not prefixItems: tools that convert to older JSON Schema break on it.
                    "items": {
                        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]
                    },
                    "minItems": 2,
                    "maxItems": 2,
                },
            }
        ),
    ]


class GoalIn(Schema):
    title: Text = Field(min_length=1, max_length=300)
    measure: Text = Field("", max_length=500)
    why: Text = Field("", max_length=2000)
    target_date: date | None = None
    competencies: list[Text] = Field(default_factory=list, description="Competency codes")
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


class GoalProgressIn(Schema):
    progress: int = Field(ge=0, le=100)
    note: Text = Field("", max_length=500)
    status: Literal["", "open", "achieved", "dropped"] = ""
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


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
    title: Text = Field(min_length=1, max_length=300)
    owner: Text = Field(description="User code of a party")
    due_on: date | None = None
    goal: Text | None = None
    confirm_no_identifiers: bool = Field(
        False,
        description="After a 422 patient_identifiers answer: the author confirms that the "
        "findings identify nobody.",
    )


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
    page: int = Field(1, ge=1, le=MAX_PAGE)
