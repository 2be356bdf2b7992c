"""Getting matched inside a programme: requests, bookmarks, coordinator runs and their pairs,
speed-mentoring events."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.profiles.models import MentoringRole


class MatchRequestQuerySet(models.QuerySet["MatchRequest"]):
    def open(self) -> "MatchRequestQuerySet":
        return self.filter(status__in=MatchRequest.OPEN)


class MatchRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the mentor")
        INFO_REQUESTED = "info_requested", _("Mentor asked for more information")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Status.PENDING, Status.INFO_REQUESTED)

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="match_requests"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_match_requests"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_match_requests"
    )
    role = models.CharField(
        _("relationship"), max_length=10, choices=MentoringRole.choices, default="mentor"
    )
    note = models.TextField(_("personal note"), max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    question = models.TextField(_("mentor's question"), max_length=2000, blank=True)
    answer = models.TextField(_("your answer"), max_length=2000, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MatchRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"],
                condition=models.Q(status__in=["pending", "info_requested"]),
                name="one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="request_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["program", "mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.expires_at <= timezone.now()


class SuggestionMark(models.Model):
    """A mentee's bookmark or dismissal of a suggested mentor, per programme."""

    class Kind(models.TextChoices):
        BOOKMARK = "bookmark", _("Bookmarked")
        DISMISS = "dismiss", _("Dismissed")

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="one_mark_per_suggestion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.mentor}"


class PairRule(models.Model):
    """A coordinator's decision about one pair, kept across re-runs."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Forbidden")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="pair_rules"
    )
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="one_rule_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.mentee} / {self.mentor}"


class MatchRun(models.Model):
    class Mode(models.TextChoices):
        OPTIMAL = "optimal", _("Optimal (highest total score)")
        STABLE = "stable", _("Stable (nobody would rather swap)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DRAFT = "draft", _("Draft proposals")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="match_runs"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.OPTIMAL)
    # Optimal only: first as many pairs as possible, then the highest total among those.
    maximize_matched = models.BooleanField(
        _("match as many mentees as possible first"), default=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    unmatched = models.JSONField(default=list, blank=True)  # [{"user": code, "name", "reason"}]
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Who asked to publish: the background task acts (and audits) in their name.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} run {self.code}"

    @property
    def is_finished(self) -> bool:
        """Computed: proposals and statistics are there to read (maybe being published)."""
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_working(self) -> bool:
        """Something runs in the background; the page polls for progress."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING, self.Status.PUBLISHING)

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 0 if self.is_working else 100
        return min(100, round(100 * self.progress_done / self.progress_total))


class MatchProposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    # Publishing marks each proposal once, in the transaction that creates its mentorship (or
    # refuses it), so a resumed or repeated publication never handles it twice.
    published_at = models.DateTimeField(null=True, blank=True)
    mentorship_code = models.CharField(max_length=16, blank=True)
    skipped = models.CharField(max_length=20, blank=True)  # why it could not be published

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ↔ {self.mentor}"


class SpeedEvent(models.Model):
    """A speed-mentoring event: timed rounds in which mentors meet a new mentee each round."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CONCLUDED = "concluded", _("Mentorships created")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="speed_events"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    round_minutes = models.PositiveSmallIntegerField(_("minutes per round"), default=8)
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=5)
    location = models.CharField(_("where"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rounds__gte=1, rounds__lte=30), name="speed_rounds_1_30"
            ),
            models.CheckConstraint(
                condition=models.Q(round_minutes__gte=2, round_minutes__lte=120),
                name="speed_round_minutes_2_120",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    def round_starts(self, number: int) -> Any:
        return self.starts_at + timedelta(minutes=self.round_minutes * (number - 1))


class SpeedMeeting(models.Model):
    """One mentor and one mentee at one table in one round. Mentors keep their table."""

    event = models.ForeignKey(SpeedEvent, on_delete=models.CASCADE, related_name="meetings")
    round = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["event", "round", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "round", "mentor"], name="speed_mentor_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["event", "round", "mentee"], name="speed_mentee_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}/{self.table}: {self.mentor} · {self.mentee}"


class SpeedInterest(models.Model):
    """After the event: whom a participant would like to continue with, best first."""

    event = models.ForeignKey(SpeedEvent, on_delete=models.CASCADE, related_name="interests")
    chooser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    chosen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["event", "chooser", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "chooser", "chosen"], name="speed_interest_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chooser} → {self.chosen}"


class MentorRanking(models.Model):
    """Hybrid matching: a mentee's ranked choice of mentor (1 = first choice) for the
    coordinator's stable run."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="mentor_rankings"
    )
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "mentee", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="ranking_mentor_once"
            ),
            models.UniqueConstraint(fields=["program", "mentee", "rank"], name="ranking_rank_once"),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="ranking_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} #{self.rank}: {self.mentor}"
