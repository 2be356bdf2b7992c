"""API schemas for coordinator matching: runs, proposals, pair rules, manual pairs."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema


class RunIn(Schema):
    mode: Literal["optimal", "stable"]
    maximize_matched: bool = False


class UnmatchedOut(Schema):
    user: str
    name: str
    code: str
    reason: str


class RunOut(Schema):
    code: str
    program: str
    mode: str
    maximize_matched: bool
    status: str
    progress_done: int
    progress_total: int
    stats: dict[str, Any]
    unmatched: list[UnmatchedOut]
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    published_at: datetime.datetime | None


class RunPageOut(Schema):
    count: int
    items: list[RunOut]


class ProposalOut(Schema):
    mentee: str
    mentee_name: str
    mentor: str
    mentor_name: str
    score: float | None
    reasons: list[dict[str, Any]]
    locked: bool


class ProposalPageOut(Schema):
    count: int
    items: list[ProposalOut]


class SwapIn(Schema):
    mentor: str = Field(..., min_length=1, max_length=16)


class PairRuleIn(Schema):
    mentee: str = Field(..., min_length=1, max_length=16)
    mentor: str = Field(..., min_length=1, max_length=16)
    kind: Literal["lock", "forbid", ""]


class PairRuleOut(Schema):
    mentee: str
    mentor: str
    kind: str
    created_at: datetime.datetime


class PairIn(Schema):
    mentee: str = Field(..., min_length=1, max_length=16)
    mentor: str = Field(..., min_length=1, max_length=16)
    role: Literal["mentor", "coach", "advisor", "sponsor", "peer", ""] = ""


class PairOut(Schema):
    mentorship: str | None
