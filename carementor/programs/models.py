"""Programmes, their enrolment questions, and the people enrolled in them."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code


class Format(models.TextChoices):
    # Values match carementor.matching.engine.ProgramFormat.
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    GROUP = "group", _("Group / circle")
    PEER = "peer", _("Peer")
    NEAR_PEER = "near_peer", _("Near-peer family")
    FLASH = "flash", _("Flash (one-off)")
    SPEED = "speed", _("Speed-mentoring event")
    REVERSE = "reverse", _("Reverse mentoring")
    E_MENTORING = "e_mentoring", _("E-mentoring")
    NETWORK = "network", _("Developmental network")


class Focus(models.TextChoices):
    CAREER = "career", _("Career")
    CLINICAL_SKILL = "clinical_skill", _("Clinical skill")
    RESEARCH = "research", _("Research")
    LEADERSHIP = "leadership", _("Leadership")
    DIGITAL = "digital", _("Digital-technology adoption")
    WELLBEING = "wellbeing", _("Well-being")


class MatchingMode(models.TextChoices):
    SELF = "self", _("Self-match: mentees request mentors")
    COORDINATOR = "coordinator", _("Coordinator matches")
    HYBRID = "hybrid", _("Hybrid: participants rank, coordinator decides")


class VerificationKind(models.TextChoices):
    # Values match carementor.credentials.models.VerificationKind.
    LICENCE = "licence", _("A professional licence or registration")
    IDENTITY_EMPLOYMENT = "identity_employment", _("Identity and employment")
    BY_PROFESSION = "by_profession", _("Licence for clinicians, identity and employment for others")


class ProgramQuerySet(models.QuerySet["Program"]):
    def published(self) -> "ProgramQuerySet":
        return self.filter(status=Program.Status.PUBLISHED)

    def of_organization(self, organization: Any) -> "ProgramQuerySet":
        return self.filter(organization=organization)


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE
    )
    focus = models.CharField(_("focus"), max_length=20, choices=Focus.choices, default=Focus.CAREER)
    template = models.SlugField(_("started from template"), max_length=60, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    enrollment_opens_on = models.DateField(_("enrolment opens on"), null=True, blank=True)
    enrollment_closes_on = models.DateField(_("enrolment closes on"), null=True, blank=True)

    # Eligibility: an empty set means "anyone".
    eligible_professions = models.ManyToManyField(
        "profiles.Profession", blank=True, related_name="+", verbose_name=_("eligible professions")
    )
    eligible_career_stages = models.ManyToManyField(
        "profiles.CareerStage",
        blank=True,
        related_name="+",
        verbose_name=_("eligible career stages"),
    )
    # Members of these organizations may enrol too (the owner's members always may).
    partner_organizations = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="partner_programs",
        verbose_name=_("partner organizations"),
    )
    focus_competencies = models.ManyToManyField(
        "profiles.Competency", blank=True, related_name="+", verbose_name=_("focus competencies")
    )
    roles = models.JSONField(
        _("relationship roles offered"),
        default=list,
        blank=True,
        help_text=_("Which of mentor, coach, advisor, sponsor, peer this programme pairs."),
    )
    # {"coach": 2}: open relationships of a role one mentee may hold at once; absent roles: 1.
    role_limits = models.JSONField(
        _("relationships of each role a mentee may hold at once"), default=dict, blank=True
    )

    matching_mode = models.CharField(
        _("matching mode"), max_length=20, choices=MatchingMode.choices, default=MatchingMode.SELF
    )
    weights = models.JSONField(_("matching weights"), default=dict, blank=True)
    verification_kind = models.CharField(
        _("what mentors must have verified"),
        max_length=30,
        choices=VerificationKind.choices,
        default=VerificationKind.BY_PROFESSION,
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"), default=2
    )
    circle_size = models.PositiveSmallIntegerField(
        _("circle size"), default=6, help_text=_("Mentees per mentor in group programmes.")
    )
    max_open_requests = models.PositiveSmallIntegerField(
        _("open requests a mentee may have"), default=3
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("requests expire after (days)"), default=14
    )
    request_reminder_days = models.PositiveSmallIntegerField(
        _("remind mentors after (days)"), default=7
    )
    pause_after_ignored = models.PositiveSmallIntegerField(
        _("pause mentors after this many expired requests"), default=3
    )
    meeting_cadence_days = models.PositiveSmallIntegerField(_("meet every (days)"), default=30)
    agreement_template = models.TextField(_("agreement template"), blank=True, max_length=20000)
    cpd_hours_mentee = models.DecimalField(
        _("CPD hours for mentees"), max_digits=5, decimal_places=1, default=0
    )
    cpd_hours_mentor = models.DecimalField(
        _("CPD hours for mentors"), max_digits=5, decimal_places=1, default=0
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(max_open_requests__gte=1), name="program_open_requests_min_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open_for_enrollment(self) -> bool:
        if self.status != self.Status.PUBLISHED:
            return False
        today = timezone.localdate()
        if self.enrollment_opens_on and today < self.enrollment_opens_on:
            return False
        return not (self.enrollment_closes_on and today > self.enrollment_closes_on)

    @property
    def is_peer_format(self) -> bool:
        return self.format == Format.PEER

    @property
    def has_agreement(self) -> bool:
        # Flash sessions are one meeting with no agreement.
        return self.format not in (Format.FLASH, Format.SPEED)


class EnrollmentQuestion(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One choice")
        YES_NO = "yes_no", _("Yes or no")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    for_role = models.CharField(
        _("asked of"),
        max_length=10,
        blank=True,
        help_text=_("mentor, mentee, or empty for everyone"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return self.prompt


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def approved(self) -> "EnrollmentQuerySet":
        return self.filter(status=Enrollment.Status.APPROVED)

    def mentors(self) -> "EnrollmentQuerySet":
        return self.filter(role__in=[Enrollment.Role.MENTOR, Enrollment.Role.BOTH])

    def mentees(self) -> "EnrollmentQuerySet":
        return self.filter(role__in=[Enrollment.Role.MENTEE, Enrollment.Role.BOTH])


class Enrollment(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        BOTH = "both", _("Mentor and mentee")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", _("Applied")
        IMPORT = "import", _("Imported")
        COORDINATOR = "coordinator", _("Added by a coordinator")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(_("taking part as"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SELF)
    answers = models.JSONField(default=dict, blank=True)
    # Mentor side: how many mentees at once in this programme, and how many are taken.
    # `seats_taken` is recomputed from live mentorships under the row lock at every accept or
    # publish, so the check constraint is the database's last word against over-booking.
    capacity = models.PositiveSmallIntegerField(_("mentoring capacity"), default=0)
    seats_taken = models.PositiveSmallIntegerField(default=0)
    ignored_requests = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["program", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="enrollment_once_per_program"),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="enrollment_capacity_not_exceeded",
            ),
        ]
        indexes = [models.Index(fields=["program", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"

    @property
    def is_mentor(self) -> bool:
        return self.role in (self.Role.MENTOR, self.Role.BOTH)

    @property
    def is_mentee(self) -> bool:
        return self.role in (self.Role.MENTEE, self.Role.BOTH)

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class ImportBatch(models.Model):
    """One upload of participants: previewed (dry run), then applied (in the background when
    large, with progress), with its report."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.JSONField(default=list)  # parsed, valid rows waiting to be applied
    errors = models.JSONField(default=list)  # [{"line": n, "reason": "..."}]
    report = models.JSONField(default=dict)  # {"created": n, "updated": n, "skipped": n}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    # Rows applied so far, advanced in the same transaction as their enrolments, so a resumed
    # or repeated task starts after them and never applies a row twice.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_working(self) -> bool:
        """Being applied in the background; the page polls for progress."""
        return self.status in (self.Status.QUEUED, self.Status.APPLYING)

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.APPLIED else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
