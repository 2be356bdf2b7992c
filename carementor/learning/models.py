"""Learning modules with ordered content blocks, quizzes with question banks, and who did what."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MENTORS = "mentors", _("Mentors")
    MENTEES = "mentees", _("Mentees")


def audiences_for(role: str) -> tuple[str, ...]:
    """Audiences that address a person taking part as `role` ("mentor", "mentee" or "both")."""
    if role == "mentor":
        return (Audience.EVERYONE, Audience.MENTORS)
    if role == "mentee":
        return (Audience.EVERYONE, Audience.MENTEES)
    return (Audience.EVERYONE, Audience.MENTORS, Audience.MENTEES)


class ModuleQuerySet(models.QuerySet["Module"]):
    def for_role(self, role: str) -> "ModuleQuerySet":
        return self.filter(audience__in=audiences_for(role))

    def required(self) -> "ModuleQuerySet":
        return self.filter(required=True)


class Module(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="learning_modules"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    required = models.BooleanField(
        _("required"), default=False, help_text=_("Counts towards completing the programme.")
    )
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    position = models.PositiveIntegerField(default=0)
    # Which shipped library entry it was copied from (empty for a coordinator's own module).
    library_slug = models.SlugField(max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "library_slug"],
                condition=~models.Q(library_slug=""),
                name="learning_module_library_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Block(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        LINK = "link", _("External link")
        DOCUMENT = "document", _("PDF document")
        VIDEO = "video", _("Video link")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Sanitised when saved (see carementor.learning.content), so templates may mark it safe.
    body_html = models.TextField(blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file_name = models.CharField(max_length=150, blank=True)
    storage_name = models.CharField(max_length=32, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def embed_url(self) -> str:
        if self.kind != self.Kind.VIDEO:
            return ""
        from carementor.learning.content import video_embed

        return video_embed(self.url)


class ModuleProgress(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    blocks_done = models.JSONField(default=list, blank=True)  # block codes

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "user"], name="learning_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.module}"


class Quiz(models.Model):
    class Feedback(models.TextChoices):
        NONE = "none", _("Nothing (only whether it was received)")
        SCORE = "score", _("The score")
        ANSWERS = "answers", _("The score and the correct answers")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="quizzes"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True, max_length=2000)
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    required = models.BooleanField(
        _("required for completion"),
        default=False,
        help_text=_("Passing it counts towards completing the programme."),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=0,
        help_text=_("Drawn at random from the bank for each attempt; 0 asks every question."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0 means no time limit.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means unlimited.")
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    feedback = models.CharField(
        _("after submitting, show"),
        max_length=10,
        choices=Feedback.choices,
        default=Feedback.SCORE,
    )
    is_open = models.BooleanField(_("open for attempts"), default=True)
    library_slug = models.SlugField(max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="quiz_pass_mark_pct"
            ),
            models.UniqueConstraint(
                fields=["program", "library_slug"],
                condition=~models.Q(library_slug=""),
                name="learning_quiz_library_once",
            ),
        ]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One correct choice")
        MULTIPLE = "multiple", _("Several correct choices")
        NUMERIC = "numeric", _("A number")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    prompt = models.TextField(_("question"), max_length=2000)
    numeric_answer = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal(0))
    explanation = models.TextField(_("explanation"), blank=True, max_length=2000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return self.prompt[:60]


class Choice(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizProgress(models.Model):
    """One row per person and quiz: the row every attempt start locks, so limits hold."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_progress"
    )
    attempts_started = models.PositiveSmallIntegerField(default=0)
    best_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="learning_quiz_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz}"


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def submitted(self) -> "AttemptQuerySet":
        return self.filter(status=Attempt.Status.SUBMITTED)

    def in_progress(self) -> "AttemptQuerySet":
        return self.filter(status=Attempt.Status.IN_PROGRESS)


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Expired (time ran out)")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    # The questions drawn for this attempt, in the order shown (Question primary keys).
    question_ids = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="learning_attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(status="in_progress"),
                name="learning_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "status"])]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} · {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice_ids = models.JSONField(default=list, blank=True)
    numeric_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    is_correct = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"
