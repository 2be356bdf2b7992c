"""API schemas for instruments, the schedule and surveys: explicit In and Out.

No Out schema here carries a respondent or a response id: answers leave the system only as
aggregates (``api_results``) or, for named instruments, through coordinators' exports.
"""

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from carementor.lib.text import Text


class DomainSchema(Schema):
    key: str = Field(max_length=60)
    label: str = Field(max_length=120)
    area: str = ""


class InstrumentItemOut(Schema):
    key: str
    order: int
    text: str
    domain: str
    scale: str
    points: int
    labels: list[str]
    min_value: float | None
    max_value: float | None
    reverse: bool
    required: bool


class InstrumentOut(Schema):
    code: str
    organization: str | None
    slug: str
    version: int
    name: str
    description: str
    source: str
    licence_status: str
    anonymity: str
    respondent: str
    kind: str
    rates_mentor: bool
    domains: list[DomainSchema]
    is_active: bool
    locked: bool


class InstrumentDetailOut(InstrumentOut):
    items: list[InstrumentItemOut]


class InstrumentPageOut(Schema):
    count: int
    page: int
    items: list[InstrumentOut]


class ItemIn(Schema):
    key: Text = Field("", max_length=60)
    text: Text = Field(max_length=500)
    domain: Text = Field("", max_length=60)
    scale: Text = "likert"
    points: int | None = Field(None, ge=2, le=11)
    labels: list[Text] = Field(default_factory=list, max_length=11)
    min_value: float | None = None
    max_value: float | None = None
    reverse: bool = False
    required: bool = True


class InstrumentIn(Schema):
    organization: Text = Field(description="Code of the organization that owns it.")
    name: Text = Field(max_length=200)
    description: Text = Field("", max_length=4000)
    source: Text = Field("", max_length=2000)
    licence_status: Text = "own"
    anonymity: Text = "anonymous"
    respondent: Text = "mentee"
    kind: Text = "custom"
    rates_mentor: bool = False
    domains: list[DomainSchema] = Field(default_factory=list, max_length=30)
    items: list[ItemIn] = Field(max_length=100)


class InstrumentUpdateIn(Schema):
    name: Text = Field(max_length=200)
    description: Text = Field("", max_length=4000)
    source: Text = Field("", max_length=2000)
    licence_status: Text = "own"
    anonymity: Text = "anonymous"
    respondent: Text = "mentee"
    kind: Text = "custom"
    rates_mentor: bool = False
    domains: list[DomainSchema] = Field(default_factory=list, max_length=30)
    items: list[ItemIn] = Field(max_length=100)


class ImportIn(Schema):
    organization: Text
    definition: dict[str, Any] = Field(
        description="A whole instrument: name, anonymity, respondent, domains, items."
    )
    source: Text = Field(max_length=2000, description="Authors, citation, permission reference.")
    permission_declared: bool = Field(
        description="True: the organization holds permission from the rights holder."
    )


class ImportFileIn(Schema):
    organization: Text
    source: Text = Field(max_length=2000, description="Authors, citation, permission reference.")
    permission_declared: bool = False
    name: Text = Field("", max_length=200, description="Required for CSV and XLSX files.")
    anonymity: Text = "anonymous"
    respondent: Text = "mentee"


class VersionIn(Schema):
    organization: Text | None = Field(
        None, description="Where to copy a shipped instrument; ignored for your own."
    )


class ActiveIn(Schema):
    active: bool


class EntrySchema(Schema):
    instrument: str = Field(description="Instrument code.")
    occasion: str
    role: str
    months_after: int = Field(0, ge=0, le=60)
    open_days: int = Field(14, ge=1, le=120)
    reminder_days: int = Field(7, ge=0, le=119)


class EntryOut(EntrySchema):
    code: str
    instrument_name: str


class ScheduleOut(Schema):
    program: str
    min_group_size: int
    entries: list[EntryOut]
    proposed: list[EntrySchema] = Field(
        description="The default schedule from the shipped instruments, when none is set."
    )


class ScheduleIn(Schema):
    entries: list[EntrySchema] = Field(max_length=50)
    min_group_size: int | None = Field(None, ge=3, le=1000)


class AssignmentOut(Schema):
    code: str
    instrument: str
    instrument_name: str
    anonymity: str
    program: str
    program_name: str
    occasion: str
    role: str
    mentorship: str | None
    meeting: str | None
    subject_name: str | None
    opens_at: datetime
    due_at: datetime
    status: str
    answered: bool
    answered_on: date | None
    reminded_at: datetime | None


class AssignmentDetailOut(AssignmentOut):
    items: list[InstrumentItemOut]
    visibility: str


class AssignmentPageOut(Schema):
    count: int
    page: int
    items: list[AssignmentOut]


class AnswerIn(Schema):
    answers: dict[str, float | int | str | bool | None] = Field(
        description="Item key → raw value: Likert 1..points, yes/no, number, or free text."
    )


class SubmittedOut(Schema):
    assignment: str
    answered_on: date
    anonymous: bool
