"""Credentials, their evidence and review trail — and THE matchability rule.

Every mentor listing and every matching query must go through ``matchable_mentors()`` (or
``Credential.objects.valid()``): verified, unexpired, not revoked, not suspended by a pending
revocation.
"""

import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.credentials.schemes import SCHEMES, Kind, Scheme
from carementor.lib.codes import new_code

# What a reviewer confirms before verifying; every item must be ticked to verify.
CHECKLIST: list[tuple[str, Any]] = [
    ("identity", _("The name on the evidence matches the person's account")),
    ("register", _("The number is on the issuing register (or the document is genuine)")),
    ("status", _("The registration or licence is current, without restrictions")),
    ("dates", _("The dates of issue and expiry match the evidence")),
    ("document", _("The evidence is legible and shows no sign of alteration")),
]
CHECKLIST_KEYS = [key for key, _label in CHECKLIST]


class VerificationKind(StrEnum):
    """What a programme requires its mentors to have verified."""

    LICENCE = "licence"
    IDENTITY_EMPLOYMENT = "identity_employment"
    # Clinical professions need a licence, non-clinical ones identity and employment.
    BY_PROFESSION = "by_profession"


LICENCE_SCHEMES = [s.code for s in SCHEMES.values() if s.kind == Kind.LICENCE]
IDENTITY_SCHEMES = [s.code for s in SCHEMES.values() if s.kind == Kind.IDENTITY]
EMPLOYMENT_SCHEMES = [s.code for s in SCHEMES.values() if s.kind == Kind.EMPLOYMENT]


class CredentialQuerySet(models.QuerySet["Credential"]):
    def valid(self, *, on: datetime.date | None = None) -> "CredentialQuerySet":
        """THE rule: verified, unexpired, not revoked, and no revocation pending."""
        today = on or timezone.localdate()
        return (
            self.filter(
                status=Credential.Status.VERIFIED,
                revoked_at__isnull=True,
            )
            .exclude(pending_action=Credential.PendingAction.REVOKE)
            .filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today))
        )

    def of_kind(self, *schemes: str) -> "CredentialQuerySet":
        return self.filter(scheme__in=schemes)

    def awaiting_review(self) -> "CredentialQuerySet":
        return self.filter(
            models.Q(status__in=Credential.REVIEWABLE)
            | models.Q(
                status=Credential.Status.VERIFIED, pending_action=Credential.PendingAction.REVOKE
            )
        )


def _has_valid(schemes: list[str], on: datetime.date | None) -> models.Exists:
    return models.Exists(
        Credential.objects.valid(on=on).filter(holder=models.OuterRef("pk"), scheme__in=schemes)
    )


def matchable_filter(
    verification_kind: str = VerificationKind.BY_PROFESSION, *, on: datetime.date | None = None
) -> models.Q:
    """A filter on users: who may be listed or matched as a mentor."""
    licence = models.Q(_has_valid(LICENCE_SCHEMES, on))
    # A verified licence already proves who the person is; employment must be shown apart.
    identity_employment = (models.Q(_has_valid(IDENTITY_SCHEMES, on)) | licence) & models.Q(
        _has_valid(EMPLOYMENT_SCHEMES, on)
    )
    kind = VerificationKind(verification_kind)
    if kind == VerificationKind.LICENCE:
        return licence
    if kind == VerificationKind.IDENTITY_EMPLOYMENT:
        return identity_employment
    from carementor.profiles.models import Profile

    # People without a profession yet are treated as clinical: they need a licence.
    non_clinical = models.Q(
        models.Exists(
            Profile.objects.filter(user=models.OuterRef("pk"), profession__is_clinical=False)
        )
    )
    return (non_clinical & identity_employment) | (~non_clinical & licence)


def matchable_mentors(
    users: "models.QuerySet[Any]",
    *,
    verification_kind: str = VerificationKind.BY_PROFESSION,
    on: datetime.date | None = None,
) -> "models.QuerySet[Any]":
    """Narrow a queryset of users to those whose verification makes them matchable."""
    return users.filter(matchable_filter(verification_kind, on=on))


def is_matchable(user: Any, *, verification_kind: str = VerificationKind.BY_PROFESSION) -> bool:
    from carementor.accounts.models import User

    return matchable_mentors(
        User.objects.filter(pk=user.pk), verification_kind=verification_kind
    ).exists()


class Credential(models.Model):
    """A registration, licence, qualification or proof a person asks an organization to check."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class PendingAction(models.TextChoices):
        """A rejection or revocation proposed by one reviewer, waiting for a second."""

        NONE = "", _("None")
        REJECT = "reject", _("Rejection")
        REVOKE = "revoke", _("Revocation")

    REVIEWABLE = (Status.SUBMITTED, Status.IN_REVIEW)
    EDITABLE = (Status.SUBMITTED, Status.REJECTED, Status.EXPIRED)
    RESUBMITTABLE = (Status.REJECTED, Status.EXPIRED)

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    # The organization whose reviewers check it. The verification counts everywhere.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="credentials",
        verbose_name=_("reviewed by"),
    )
    # Validated against SCHEMES at the edge; no choices here, so a new scheme needs no migration.
    scheme = models.CharField(_("type"), max_length=40)
    number = models.CharField(_("number"), max_length=60, blank=True)
    title = models.CharField(
        _("title"), max_length=160, blank=True, help_text=_("e.g. MD Paediatrics, MRCPCH.")
    )
    issuing_body = models.CharField(_("issuing body"), max_length=160, blank=True)
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=60,
        blank=True,
        help_text=_("Country, state or council, e.g. Tamil Nadu, CA, England."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who started the review.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    checklist = models.JSONField(default=dict, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    pending_action = models.CharField(
        max_length=10, choices=PendingAction.choices, default=PendingAction.NONE, blank=True
    )
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending_reason = models.TextField(blank=True, max_length=2000)
    pending_checklist = models.JSONField(default=dict, blank=True)
    pending_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["organization", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="credential_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="credential_revoked_has_time",
            ),
            # A rejection or revocation must be confirmed by someone else.
            models.CheckConstraint(
                condition=models.Q(second_reviewer__isnull=True)
                | ~models.Q(second_reviewer=models.F("decided_by")),
                name="credential_four_eyes_distinct",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_label} · {self.holder}"

    @property
    def scheme_info(self) -> Scheme:
        return SCHEMES[self.scheme]

    @property
    def scheme_label(self) -> str:
        scheme = SCHEMES.get(self.scheme)
        return str(scheme.label) if scheme else self.scheme

    @property
    def masked_number(self) -> str:
        if len(self.number) <= 4:
            return "•" * len(self.number)
        return "•" * (len(self.number) - 3) + self.number[-3:]

    def is_valid(self, on: datetime.date | None = None) -> bool:
        today = on or timezone.localdate()
        return (
            self.status == self.Status.VERIFIED
            and self.revoked_at is None
            and self.pending_action != self.PendingAction.REVOKE
            and (self.expires_on is None or self.expires_on >= today)
        )

    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def days_waiting(self) -> int:
        return (timezone.now() - self.submitted_at).days


class EvidenceFile(models.Model):
    """An uploaded document, stored outside the web root under a random name."""

    class Scan(models.TextChoices):
        PENDING = "pending", _("Waiting for the virus scan")
        CLEAN = "clean", _("Scanned, clean")
        INFECTED = "infected", _("Removed: failed the virus scan")
        NOT_SCANNED = "not_scanned", _("Not scanned (no scanner configured)")

    VISIBLE_TO_REVIEWERS = (Scan.CLEAN, Scan.NOT_SCANNED)

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=200)  # the uploaded name, checked, for display only
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=12, choices=Scan.choices, db_index=True)
    scan_detail = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def is_visible_to_reviewers(self) -> bool:
        return self.scan_status in self.VISIBLE_TO_REVIEWERS


class RegisterCheck(models.Model):
    """What a register said: an automatic lookup, or what a reviewer saw on its website."""

    class Outcome(models.TextChoices):
        MATCH = "match", _("Found, details match")
        MISMATCH = "mismatch", _("Found, details differ")
        NOT_FOUND = "not_found", _("Not found")
        INACTIVE = "inactive", _("Found, not active")
        ERROR = "error", _("Register could not be reached")

    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="register_checks"
    )
    source = models.CharField(max_length=40)  # "nppes", or "manual"
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    summary = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.outcome}"


class ReviewEvent(models.Model):
    """One step in a credential's review trail, shown to the holder and the reviewers."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UPDATED = "updated", _("Updated")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        REVIEW_STARTED = "review_started", _("Review started")
        VERIFIED = "verified", _("Verified")
        REJECTION_PROPOSED = "rejection_proposed", _("Rejection proposed")
        REJECTED = "rejected", _("Rejected")
        REVOCATION_PROPOSED = "revocation_proposed", _("Revocation proposed")
        REVOKED = "revoked", _("Revoked")
        PROPOSAL_DECLINED = "proposal_declined", _("Second reviewer declined the proposal")
        EXPIRED = "expired", _("Expired")

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    checklist = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d}"


class ExpiryNotice(models.Model):
    """A reminder sent before expiry; the unique row makes the daily command idempotent."""

    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    days_before = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "days_before", "expires_on"], name="expiry_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before} days before {self.expires_on}"


class ReviewPolicy(models.Model):
    """An organization's review rules. No row means the defaults (four eyes on)."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="review_policy"
    )
    four_eyes = models.BooleanField(
        _("a second reviewer confirms rejections and revocations"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Review policy of {self.organization}"


def four_eyes_required(organization: Any) -> bool:
    policy = ReviewPolicy.objects.filter(organization=organization).first()
    return True if policy is None else policy.four_eyes
