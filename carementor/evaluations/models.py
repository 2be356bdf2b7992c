"""Instruments, a programme's evaluation schedule, survey assignments and responses.

Anonymity is structural: an anonymous ``Response`` has no respondent, no mentorship, a random
UUID key and a day-level date. The only record that a person answered is ``HasResponded``,
whose key is the assignment itself and which holds a date, never a time. Nothing links the two.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code


class LicenceStatus(models.TextChoices):
    OPEN = "open", _("Open licence")
    PERMISSION = "permission", _("Used with permission")
    OWN = "own", _("Our own instrument")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named")
    ANONYMOUS = "anonymous", _("Anonymous to the mentor")


class Respondent(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")
    ANY = "any", _("Anyone")


class InstrumentKind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome")
    RELATIONSHIP = "relationship", _("Relationship quality")
    SAFETY = "safety", _("Psychological safety")
    COMPETENCY = "competency", _("Mentor competency")
    PULSE = "pulse", _("Meeting pulse")
    CUSTOM = "custom", _("Custom")


class Area(models.TextChoices):
    """What a domain measures; the report groups and charts by it."""

    PRACTICE = "practice", _("Professional practice")
    WELLBEING = "wellbeing", _("Personal well-being")
    DEVELOPMENT = "development", _("Development")
    SUPPORT = "support", _("Support")
    CHALLENGE = "challenge", _("Challenge")
    SAFETY = "safety", _("Psychological safety")
    COMPETENCY = "competency", _("Mentor competency")
    NONE = "", _("Other")


class Scale(models.TextChoices):
    LIKERT = "likert", _("Likert (labelled points)")
    NUMERIC = "numeric", _("Number in a range")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Baseline (at the start)")
    MIDPOINT = "midpoint", _("Midpoint")
    CLOSURE = "closure", _("Closure")
    PULSE = "pulse", _("After a meeting")
    FOLLOW_UP = "follow_up", _("Follow-up after closure")


class Role(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def library(self) -> "InstrumentQuerySet":
        return self.filter(organization__isnull=True)

    def active(self) -> "InstrumentQuerySet":
        return self.filter(is_active=True)

    def available_to(self, organization_ids: Any) -> "InstrumentQuerySet":
        """Shipped instruments plus those of the given organizations."""
        return self.filter(
            models.Q(organization__isnull=True) | models.Q(organization_id__in=organization_ids)
        )


class Instrument(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # Null: shipped with CareMentor, visible to every organization, edited by nobody.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instruments",
    )
    slug = models.SlugField(_("short name"), max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    # The version this one was copied from; an instrument with responses is never edited
    # in place, so old responses keep the items they answered.
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    source = models.TextField(_("source"), blank=True, max_length=2000)
    licence_status = models.CharField(
        _("licence"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.OWN
    )
    anonymity = models.CharField(
        _("anonymity"), max_length=20, choices=Anonymity.choices, default=Anonymity.ANONYMOUS
    )
    respondent = models.CharField(
        _("answered by"), max_length=10, choices=Respondent.choices, default=Respondent.MENTEE
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=InstrumentKind.choices, default=InstrumentKind.CUSTOM
    )
    # [{"key": "practice", "label": "Professional practice", "area": "practice"}, ...]
    domains = models.JSONField(_("domains"), default=list, blank=True)
    # Competency ratings of a mentor by a mentee: the assignment names the mentor rated.
    rates_mentor = models.BooleanField(_("rates the mentor"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug", "version"], name="instrument_slug_version"
            ),
            models.UniqueConstraint(
                fields=["slug", "version"],
                condition=models.Q(organization__isnull=True),
                name="instrument_library_slug_version",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_anonymous(self) -> bool:
        return self.anonymity == Anonymity.ANONYMOUS

    @property
    def is_library(self) -> bool:
        return self.organization_id is None

    def domain_label(self, key: str) -> str:
        for domain in self.domains:
            if domain.get("key") == key:
                return str(domain.get("label", key))
        return key

    def is_locked(self) -> bool:
        """Answered instruments are frozen; changes make a new version."""
        return self.is_library or Response.objects.filter(instrument=self).exists()


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=60)
    text = models.CharField(_("question"), max_length=500)
    domain = models.CharField(_("domain"), max_length=60, blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.LIKERT)
    points = models.PositiveSmallIntegerField(_("points"), default=5)
    labels = models.JSONField(_("point labels"), default=list, blank=True)
    min_value = models.FloatField(_("lowest value"), null=True, blank=True)
    max_value = models.FloatField(_("highest value"), null=True, blank=True)
    reverse = models.BooleanField(_("reverse-scored"), default=False)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="item_key_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=2, points__lte=11), name="item_points_range"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scored(self) -> bool:
        return self.scale != Scale.TEXT and bool(self.domain)

    def point_choices(self) -> list[tuple[int, str]]:
        """(value, label) for each Likert point; unlabelled points show their number."""
        labels = list(self.labels or [])
        return [
            (n, str(labels[n - 1]) if n - 1 < len(labels) and labels[n - 1] else str(n))
            for n in range(1, self.points + 1)
        ]


class EvaluationSettings(models.Model):
    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="evaluation_settings"
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=5,
        help_text=_("Results are shown only when at least this many people answered (3 or more)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=3), name="evaluation_min_group_size_3"
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation settings · {self.program_id}"


class ScheduleEntry(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="evaluation_schedule"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="schedule_entries"
    )
    occasion = models.CharField(_("when"), max_length=20, choices=Occasion.choices)
    months_after = models.PositiveSmallIntegerField(
        _("months after closure"), default=0, help_text=_("For follow-up surveys only.")
    )
    role = models.CharField(_("asked of"), max_length=10, choices=Role.choices)
    open_days = models.PositiveSmallIntegerField(_("days to answer"), default=14)
    reminder_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "occasion", "months_after", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "instrument", "occasion", "months_after", "role"],
                name="schedule_entry_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(open_days__gte=1), name="schedule_open_days_min_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} · {self.instrument}"


class SurveyAssignmentQuerySet(models.QuerySet["SurveyAssignment"]):
    def open(self) -> "SurveyAssignmentQuerySet":
        return self.filter(status=SurveyAssignment.Status.OPEN)

    def for_user(self, user: Any) -> "SurveyAssignmentQuerySet":
        return self.filter(user=user)


class SurveyAssignment(models.Model):
    """One person asked to answer one instrument on one occasion."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="survey_assignments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assignments")
    schedule_entry = models.ForeignKey(
        ScheduleEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    # Follow-ups: the months after closure; 0 otherwise. Part of the uniqueness key.
    round = models.PositiveSmallIntegerField(default=0)
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_assignments",
    )
    meeting = models.ForeignKey(
        "mentorships.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_assignments"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]
        # Three shapes, each unique, so no run of the schedule can ask twice (NULLs are
        # distinct in unique indexes, hence one partial constraint per shape).
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "occasion", "round", "mentorship", "user"],
                condition=models.Q(meeting__isnull=True, subject__isnull=True),
                name="assignment_unique_plain",
            ),
            models.UniqueConstraint(
                fields=["instrument", "occasion", "round", "mentorship", "user", "subject"],
                condition=models.Q(meeting__isnull=True, subject__isnull=False),
                name="assignment_unique_subject",
            ),
            models.UniqueConstraint(
                fields=["instrument", "meeting", "user"],
                condition=models.Q(meeting__isnull=False),
                name="assignment_unique_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("opens_at")),
                name="assignment_due_after_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} · {self.get_occasion_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:answer", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class HasResponded(models.Model):
    """That someone answered, never what: keyed by the assignment, dated to the day."""

    assignment = models.OneToOneField(
        SurveyAssignment, on_delete=models.CASCADE, primary_key=True, related_name="has_responded"
    )
    responded_on = models.DateField()

    class Meta:
        verbose_name_plural = "has responded"

    def __str__(self) -> str:
        return f"Responded · {self.assignment_id}"


class Response(models.Model):
    # Random, so neither key order nor an autoincrement can be lined up with HasResponded.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="survey_responses"
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    role = models.CharField(max_length=10, choices=Role.choices)
    cohort = models.CharField(max_length=10, blank=True)
    format = models.CharField(max_length=20, blank=True)
    # Both set only for named instruments; always null for anonymous ones.
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The mentor rated (competency ratings); kept for anonymous ones, shown only in aggregate.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_on = models.DateField()
    scores = models.JSONField(default=dict)

    class Meta:
        ordering = ["submitted_on", "id"]
        indexes = [models.Index(fields=["program", "instrument", "occasion"])]

    def __str__(self) -> str:
        return f"Response · {self.instrument_id} · {self.submitted_on}"


class Answer(models.Model):
    # Random keys here too: an autoincrement would order responses by time of submission.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=5000)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_unique_item")
        ]

    def __str__(self) -> str:
        return f"Answer · {self.item_id}"
