"""Completion rules, the certificates issued when they are met, and each person's CPD log."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code

# 16 characters of [a-z0-9] carry about 82 bits: a certificate code cannot be guessed.
CERTIFICATE_CODE_LENGTH = 16


def new_certificate_code() -> str:
    return new_code(CERTIFICATE_CODE_LENGTH)


class Role(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class CompletionRule(models.Model):
    """What completing a programme means for one role. No rule, no certificate."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="completion_rules"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    agreement_signed = models.BooleanField(_("agreement signed"), default=True)
    meetings_held = models.PositiveSmallIntegerField(
        _("meetings held (at least)"),
        default=0,
        help_text=_("Meetings marked as held across the person's mentorships in the programme."),
    )
    goals_achieved = models.PositiveSmallIntegerField(
        _("action-plan goals achieved (at least)"), default=0
    )
    all_goals_achieved = models.BooleanField(
        _("every action-plan goal achieved (dropped goals do not count)"), default=False
    )
    modules_completed = models.BooleanField(_("required learning modules completed"), default=False)
    quizzes_passed = models.BooleanField(_("required tests passed"), default=False)
    closure_survey = models.BooleanField(_("closure survey answered"), default=False)
    mentorship_ended = models.BooleanField(
        _("the mentorship has ended (closed or redefined)"), default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "role"]
        constraints = [
            models.UniqueConstraint(fields=["program", "role"], name="completion_rule_per_role"),
            models.CheckConstraint(
                condition=models.Q(meetings_held__lte=100) & models.Q(goals_achieved__lte=50),
                name="completion_rule_sane_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} · {self.role}"


class CertificateSettings(models.Model):
    """How an organization's certificates look: signatory and logo."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="certificate_settings"
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)
    # Small (checked at upload), so it lives in the row and goes into the PDF as a data URI.
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "certificate settings"

    def __str__(self) -> str:
        return f"Certificate settings · {self.organization_id}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a newer certificate")


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid(self) -> "CertificateQuerySet":
        return self.filter(status=CertificateStatus.VALID)


class Certificate(models.Model):
    """A certificate of completion. Names are copied at issue: the certificate says what it
    said on the day, whatever the programme or person is called later."""

    code = models.CharField(
        max_length=CERTIFICATE_CODE_LENGTH,
        unique=True,
        default=new_certificate_code,
        editable=False,
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    holder_name = models.CharField(_("holder"), max_length=150)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="certificates"
    )
    program_name = models.CharField(_("programme"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="certificates"
    )
    organization_name = models.CharField(_("organization"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    cpd_hours = models.DecimalField(
        _("CPD hours"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    status = models.CharField(
        max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(blank=True, max_length=2000)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "program", "role"],
                condition=models.Q(status="valid"),
                name="certificate_one_valid_per_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__gte=models.F("started_on")),
                name="certificate_completed_after_start",
            ),
        ]
        indexes = [models.Index(fields=["holder", "status"])]

    def __str__(self) -> str:
        return f"{self.program_name} · {self.holder_name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:mine")

    def verification_path(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    def verification_url(self) -> str:
        return settings.SITE_URL + self.verification_path()

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    def name_changed(self, user: Any = None) -> bool:
        holder = user or self.holder
        return bool(holder.full_name) and holder.full_name != self.holder_name


class CpdEntryQuerySet(models.QuerySet["CpdEntry"]):
    def counted(self) -> "CpdEntryQuerySet":
        return self.filter(is_void=False)


class CpdEntry(models.Model):
    """One line of a person's continuing professional development log."""

    class Source(models.TextChoices):
        CERTIFICATE = "certificate", _("CareMentor certificate")
        MANUAL = "manual", _("Added by you")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries"
    )
    activity = models.CharField(_("activity"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    date = models.DateField(_("date"))
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    # The evidence: the certificate that earned the hours (moves to the new one on re-issue).
    certificate = models.OneToOneField(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="cpd_entry"
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=300,
        blank=True,
        help_text=_("For your own entries: a certificate number, a link or where the proof is."),
    )
    is_void = models.BooleanField(default=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CpdEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "CPD entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=999),
                name="cpd_entry_hours_range",
            )
        ]
        indexes = [models.Index(fields=["user", "date"])]

    def __str__(self) -> str:
        return f"{self.activity} ({self.hours} h)"
