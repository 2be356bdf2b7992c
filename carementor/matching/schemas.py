"""API schemas for coordinator matching: runs, proposals, pair rules, manual pairs."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from carementor.lib.text import Text


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
    shape: Literal["pairs", "circles", "peers", "families"]
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


class CircleMemberOut(Schema):
    code: str
    name: str
    score: float | None


class CircleOut(Schema):
    mentor: str
    mentor_name: str
    mentees: list[CircleMemberOut]
    mean_score: float | None


class CirclePageOut(Schema):
    count: int
    items: list[CircleOut]


class RankingIn(Schema):
    mentors: list[Text] = Field(..., max_length=20)


class RankedOut(Schema):
    rank: int
    code: str
    name: str


class RankingOut(Schema):
    max: int
    mentors: list[RankedOut]


class SwapIn(Schema):
    mentor: Text = Field(..., min_length=1, max_length=16)


class PairRuleIn(Schema):
    mentee: Text = Field(..., min_length=1, max_length=16)
    mentor: Text = Field(..., min_length=1, max_length=16)
    kind: Literal["lock", "forbid", ""]


class PairRuleOut(Schema):
    mentee: str
    mentor: str
    kind: str
    created_at: datetime.datetime


class PairIn(Schema):
    mentee: Text = Field(..., min_length=1, max_length=16)
    mentor: Text = Field(..., min_length=1, max_length=16)
    role: Literal["mentor", "coach", "advisor", "sponsor", "peer", ""] = ""


class PairOut(Schema):
    mentorship: str | None


class EventIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    starts_at: datetime.datetime
    round_minutes: int = Field(8, ge=2, le=120)
    rounds: int = Field(5, ge=1, le=30)
    location: Text = Field("", max_length=200)


class SpeedMeetingOut(Schema):
    round: int
    table: int
    starts_at: datetime.datetime
    mentor: str
    mentor_name: str
    mentee: str
    mentee_name: str


class SpeedEventOut(Schema):
    code: str
    program: str
    title: str
    starts_at: datetime.datetime
    round_minutes: int
    rounds: int
    location: str
    status: str
    meetings: list[SpeedMeetingOut]  # all of them for coordinators, one's own for participants


class InterestIn(Schema):
    chosen: list[Text] = Field(..., max_length=30)


class ConcludeOut(Schema):
    mentorships: list[str]
