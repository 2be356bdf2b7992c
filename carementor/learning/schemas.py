"""API schemas for learning modules, progress, quizzes, attempts and results.

Participant-facing question schemas (QuestionOut, ChoiceOut) have no field for the key: the
correct choices and numbers appear only in ReviewOut (a closed attempt whose quiz shows
answers) and in the manager's QuestionManageOut.
"""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from carementor.lib.paging import PageParams as PageParams  # one shared definition
from carementor.lib.text import Text

AudienceIn = Literal["everyone", "mentors", "mentees"]


class LearningProgramOut(Schema):
    code: str
    name: str
    organization: str
    modules: int
    quizzes: int


class LearningProgramPageOut(Schema):
    count: int
    items: list[LearningProgramOut]


class ModuleIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    summary: Text = Field("", max_length=2000)
    audience: AudienceIn = "everyone"
    required: bool = False
    minutes: int = Field(15, ge=1, le=600)


class ModuleUpdateIn(Schema):
    title: Text | None = Field(None, min_length=1, max_length=200)
    summary: Text | None = Field(None, max_length=2000)
    audience: AudienceIn | None = None
    required: bool | None = None
    minutes: int | None = Field(None, ge=1, le=600)


class MoveIn(Schema):
    direction: Literal["up", "down"]


class ModuleProgressOut(Schema):
    opened_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    blocks_done: list[str]


class ModuleOut(Schema):
    code: str
    program: str
    title: str
    summary: str
    audience: str
    required: bool
    minutes: int
    position: int
    library_slug: str
    progress: ModuleProgressOut | None


class ModulePageOut(Schema):
    count: int
    items: list[ModuleOut]


class BlockIn(Schema):
    kind: Literal["text", "link", "video"]
    title: Text = Field("", max_length=200)
    body: Text = Field("", max_length=50_000)
    url: Text = Field("", max_length=500)


class BlockUpdateIn(Schema):
    title: Text = Field("", max_length=200)
    body: Text = Field("", max_length=50_000)
    url: Text = Field("", max_length=500)


class BlockOut(Schema):
    code: str
    kind: str
    title: str
    body_html: str
    url: str
    file_name: str
    file_size: int
    file_url: str
    position: int


class ModuleDetailOut(ModuleOut):
    blocks: list[BlockOut]


class ModuleProgressIn(Schema):
    action: Literal["open", "complete", "block_done"]
    block: Text = ""


class LibraryEntryOut(Schema):
    slug: str
    kind: str
    track: str
    title: str
    summary: str
    added: bool


class LibraryAddedOut(Schema):
    kind: str
    code: str
    title: str


class StatusItemOut(Schema):
    code: str
    title: str
    done: bool


class LearningStatusOut(Schema):
    role: str
    complete: bool
    modules: list[StatusItemOut]
    quizzes: list[StatusItemOut]


FeedbackIn = Literal["none", "score", "answers"]


class QuizIn(Schema):
    title: Text = Field(..., min_length=1, max_length=200)
    instructions: Text = Field("", max_length=2000)
    audience: AudienceIn = "everyone"
    required: bool = False
    draw_count: int = Field(0, ge=0, le=200)
    time_limit_minutes: int = Field(0, ge=0, le=600)
    max_attempts: int = Field(3, ge=0, le=50)
    pass_mark: int = Field(70, ge=0, le=100)
    feedback: FeedbackIn = "score"
    is_open: bool = True


class QuizUpdateIn(Schema):
    title: Text | None = Field(None, min_length=1, max_length=200)
    instructions: Text | None = Field(None, max_length=2000)
    audience: AudienceIn | None = None
    required: bool | None = None
    draw_count: int | None = Field(None, ge=0, le=200)
    time_limit_minutes: int | None = Field(None, ge=0, le=600)
    max_attempts: int | None = Field(None, ge=0, le=50)
    pass_mark: int | None = Field(None, ge=0, le=100)
    feedback: FeedbackIn | None = None
    is_open: bool | None = None


class QuizOut(Schema):
    code: str
    program: str
    title: str
    instructions: str
    audience: str
    required: bool
    draw_count: int
    bank_size: int
    time_limit_minutes: int
    max_attempts: int
    pass_mark: int
    feedback: str
    is_open: bool
    attempts_used: int
    passed: bool


class QuizPageOut(Schema):
    count: int
    items: list[QuizOut]


class ChoiceIn(Schema):
    text: Text = Field(..., min_length=1, max_length=500)
    correct: bool = False


class QuestionIn(Schema):
    kind: Literal["single", "multiple", "numeric"]
    prompt: Text = Field(..., min_length=1, max_length=2000)
    choices: list[ChoiceIn] = Field(default_factory=list, max_length=20)
    answer: Decimal | None = Field(None, max_digits=12, decimal_places=4)
    tolerance: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=4)
    explanation: Text = Field("", max_length=2000)


class ChoiceManageOut(Schema):
    code: str
    text: str
    is_correct: bool


class QuestionManageOut(Schema):
    code: str
    kind: str
    prompt: str
    choices: list[ChoiceManageOut]
    answer: Decimal | None
    tolerance: Decimal
    explanation: str


class ChoiceOut(Schema):
    code: str
    text: str


class QuestionOut(Schema):
    code: str
    kind: str
    prompt: str
    choices: list[ChoiceOut]


class ReviewOut(Schema):
    question: str
    correct: bool
    your_choices: list[str]
    your_number: Decimal | None
    correct_choices: list[str]
    correct_number: Decimal | None
    tolerance: Decimal | None
    explanation: str


class AttemptOut(Schema):
    code: str
    quiz: str
    user: str
    number: int
    status: str
    started_at: datetime.datetime
    deadline: datetime.datetime | None
    submitted_at: datetime.datetime | None
    questions: list[QuestionOut]
    # Filled after submission, as far as the quiz's feedback setting allows.
    score: int | None
    max_score: int | None
    percent: int | None
    passed: bool | None
    review: list[ReviewOut] | None


class AttemptSummaryOut(Schema):
    code: str
    number: int
    status: str
    started_at: datetime.datetime
    submitted_at: datetime.datetime | None
    percent: int | None
    passed: bool | None


class SubmitIn(Schema):
    # question code → list of choice codes (or one code), or the number as text
    answers: dict[str, list[str] | str] = Field(default_factory=dict)


class QuestionStatsOut(Schema):
    question: str
    prompt: str
    answered: int
    correct: int
    difficulty: float | None
    discrimination: float | None


class PersonResultOut(Schema):
    user: str
    full_name: str
    attempts: int
    best_percent: int | None
    passed_at: datetime.datetime | None


class ResultsOut(Schema):
    items: list[QuestionStatsOut]
    count: int
    people: list[PersonResultOut]
