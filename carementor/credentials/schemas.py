"""In and Out schemas of the credentials API."""

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from carementor.lib.paging import MAX_OFFSET  # one shared definition
from carementor.lib.paging import PageParams as PageParams
from carementor.lib.text import Text


class SchemeOut(Schema):
    code: str
    label: str
    kind: str
    country: str
    number_hint: str
    issuing_body: str
    register_name: str
    register_url: str
    number_optional: bool
    jurisdiction_required: bool
    lookup_available: bool


class ValidateIn(Schema):
    scheme: Text = Field(max_length=40)
    number: Text = Field(max_length=200)
    jurisdiction: Text = Field("", max_length=60)


class ValidateOut(Schema):
    valid: bool
    normalized: str
    errors: list[str]


class CredentialIn(Schema):
    organization: Text = Field(description="Code of the organization whose reviewers check it.")
    scheme: Text = Field(max_length=40)
    number: Text = Field("", max_length=200)
    title: Text = Field("", max_length=160)
    issuing_body: Text = Field("", max_length=160)
    jurisdiction: Text = Field("", max_length=60)
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


class CredentialUpdateIn(Schema):
    scheme: Text = Field(max_length=40)
    number: Text = Field("", max_length=200)
    title: Text = Field("", max_length=160)
    issuing_body: Text = Field("", max_length=160)
    jurisdiction: Text = Field("", max_length=60)
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


class OrganizationRef(Schema):
    code: str
    name: str


class PersonRef(Schema):
    code: str
    full_name: str


class EvidenceOut(Schema):
    code: str
    name: str
    content_type: str
    size: int
    pages: int | None
    scan_status: str
    uploaded_at: datetime.datetime


class CredentialOut(Schema):
    code: str
    organization: OrganizationRef
    scheme: str
    scheme_label: str
    number: str
    title: str
    issuing_body: str
    jurisdiction: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    status: str
    pending_action: str
    reason: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    valid: bool
    evidence: list[EvidenceOut]


class CredentialPageOut(Schema):
    count: int
    items: list[CredentialOut]


class RegisterCheckOut(Schema):
    source: str
    outcome: str
    summary: dict[str, Any]
    note: str
    performed_by: PersonRef | None
    performed_at: datetime.datetime


class CredentialEventOut(Schema):
    action: str
    actor: PersonRef | None
    reason: str
    at: datetime.datetime


class HolderOut(Schema):
    code: str
    full_name: str
    email: str


class ReviewCredentialOut(Schema):
    code: str
    organization: OrganizationRef
    holder: HolderOut
    scheme: str
    scheme_label: str
    number: str
    title: str
    issuing_body: str
    jurisdiction: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    status: str
    pending_action: str
    pending_by: PersonRef | None
    pending_reason: str
    reason: str
    checklist: dict[str, bool]
    submitted_at: datetime.datetime
    days_waiting: int
    decided_by: PersonRef | None
    second_reviewer: PersonRef | None
    decided_at: datetime.datetime | None
    register_url: str
    lookup_available: bool
    evidence: list[EvidenceOut]
    evidence_pending_scan: int
    register_checks: list[RegisterCheckOut]
    events: list[CredentialEventOut]


class QueueItemOut(Schema):
    code: str
    holder: PersonRef
    scheme: str
    scheme_label: str
    status: str
    pending_action: str
    submitted_at: datetime.datetime
    days_waiting: int
    evidence_count: int


class QueuePageOut(Schema):
    count: int
    items: list[QueueItemOut]


class ReviewOrganizationOut(Schema):
    code: str
    name: str
    waiting: int
    four_eyes: bool


class QueueFilters(Schema):
    status: Literal[
        "waiting", "all", "submitted", "in_review", "verified", "rejected", "expired", "revoked"
    ] = "waiting"
    scheme: Text = ""
    q: Text = Field("", max_length=100)
    older_than: int | None = Field(None, ge=0, le=3650)
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CredentialDecideIn(Schema):
    decision: Literal["verify", "reject"]
    reason: Text = Field("", max_length=2000)
    checklist: dict[str, bool] = Field(default_factory=dict)


class CredentialRevokeIn(Schema):
    reason: Text = Field(max_length=2000)


class SecondReviewIn(Schema):
    confirm: bool
    note: Text = Field("", max_length=2000)


class RegisterCheckIn(Schema):
    outcome: Literal["match", "mismatch", "not_found", "inactive"]
    note: Text = Field(min_length=1, max_length=2000)


class PolicyIn(Schema):
    four_eyes: bool


class PolicyOut(Schema):
    four_eyes: bool
