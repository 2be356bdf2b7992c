"""API schemas for completion, certificates, verification and the CPD log."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from carementor.lib.paging import MAX_OFFSET  # one shared definition
from carementor.lib.paging import PageParams as PageParams
from carementor.lib.text import Text


class ProgressParams(Schema):
    # Each programme's checklist costs a few queries: keep pages small.
    limit: int = Field(10, ge=1, le=20)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class RequirementOut(Schema):
    key: str
    label: str
    done: bool
    progress: str
    remaining: list[str]


class ChecklistOut(Schema):
    program: str
    program_name: str
    role: Literal["mentor", "mentee"]
    has_rule: bool
    complete: bool
    items: list[RequirementOut]
    certificate: str | None


class CertificateProgressOut(Schema):
    program: str
    program_name: str
    organization: str
    checklists: list[ChecklistOut]


class ProgressPageOut(Schema):
    count: int
    items: list[CertificateProgressOut]


class ParticipantCompletionOut(Schema):
    user: str
    full_name: str
    checklist: ChecklistOut


class ParticipantCompletionPageOut(Schema):
    count: int
    items: list[ParticipantCompletionOut]


class RuleIn(Schema):
    agreement_signed: bool = False
    meetings_held: int = Field(0, ge=0, le=100)
    goals_achieved: int = Field(0, ge=0, le=50)
    all_goals_achieved: bool = False
    modules_completed: bool = False
    quizzes_passed: bool = False
    closure_survey: bool = False
    mentorship_ended: bool = False


class RuleOut(RuleIn):
    role: Literal["mentor", "mentee"]
    updated_at: datetime.datetime


class IssueOut(Schema):
    checked: int
    issued: int


class CertificateOut(Schema):
    code: str
    holder_name: str
    program: str
    program_name: str
    organization_name: str
    role: Literal["mentor", "mentee"]
    started_on: datetime.date
    completed_on: datetime.date
    issued_at: datetime.datetime
    cpd_hours: Decimal
    status: Literal["valid", "revoked", "superseded"]
    revoked_at: datetime.datetime | None
    verification_url: str


class CertificatePageOut(Schema):
    count: int
    items: list[CertificateOut]


class VerificationOut(Schema):
    """Exactly what the public verification page shows."""

    code: str
    status: Literal["valid", "revoked", "superseded"]
    holder_name: str
    program_name: str
    organization_name: str
    role: Literal["mentor", "mentee"]
    started_on: datetime.date
    completed_on: datetime.date
    issued_on: datetime.date
    revoked_on: datetime.date | None
    cpd_hours: Decimal


class CertificateRevokeIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=2000)


class SettingsIn(Schema):
    signatory_name: Text = Field("", max_length=150)
    signatory_title: Text = Field("", max_length=150)


class SettingsOut(SettingsIn):
    organization: str
    has_logo: bool


class CpdEntryIn(Schema):
    activity: Text = Field(..., min_length=1, max_length=300)
    hours: Decimal = Field(..., gt=0, le=999, decimal_places=1)
    date: datetime.date
    evidence: Text = Field("", max_length=300)


class CpdEntryOut(Schema):
    code: str
    date: datetime.date
    activity: str
    hours: Decimal
    source: Literal["certificate", "manual"]
    counted: bool
    evidence: str
    certificate: str | None


class CpdPageOut(Schema):
    count: int
    total_hours: Decimal
    items: list[CpdEntryOut]
