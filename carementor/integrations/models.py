"""What an organization's identity and HR systems provision here through SCIM 2.0."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.organizations.models import Role

SCIM_TOKEN_PREFIX = "scim_"


def hash_scim_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ScimTokenQuerySet(models.QuerySet["ScimToken"]):
    def active(self) -> "ScimTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ScimToken(models.Model):
    """A bearer token an identity provider uses for one organization. Only its hash is kept."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return SCIM_TOKEN_PREFIX + secrets.token_urlsafe(32)

    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimUser(models.Model):
    """One person as the organization's identity provider describes them.

    The SCIM representation is served from these columns, never from the account: an account
    that also belongs to other organizations keeps its own name and e-mail settings.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="scim_users"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_identities"
    )
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=200, blank=True)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    formatted_name = models.CharField(max_length=300, blank=True)
    display_name = models.CharField(max_length=300, blank=True)
    # [{"value": ..., "type": ..., "primary": ...}] as the provider sent them.
    emails = models.JSONField(default=list, blank=True)
    # "|a@x|b@y|", lower-cased: lets `emails.value eq` filter on every database alike.
    email_index = models.CharField(max_length=2000, blank=True, default="")
    employee_number = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    # True when provisioning created the account, so provisioning may also stop it.
    created_account = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="scim_user_one_per_person"
            ),
            models.UniqueConstraint(
                "organization", Lower("user_name"), name="scim_user_unique_user_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="scim_user_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'

    def index_emails(self) -> None:
        values = [str(e.get("value", "")).lower() for e in self.emails if e.get("value")]
        self.email_index = f"|{'|'.join(values)}|" if values else ""


class ScimGroup(models.Model):
    """A group pushed by the identity provider; an admin may map it to a role here."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="scim_groups"
    )
    display_name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=200, blank=True)
    role = models.CharField(
        _("role granted"), max_length=20, choices=Role.choices, blank=True, default=""
    )
    members = models.ManyToManyField(ScimUser, related_name="groups", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("display_name"), name="scim_group_unique_display_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'


class WebhookEvent(models.TextChoices):
    """What an endpoint may subscribe to, each fed by one audit action."""

    MENTORSHIP_CREATED = "mentorship.created", _("Mentorship created")
    MENTORSHIP_ACTIVATED = "mentorship.activated", _("Mentorship activated")
    MENTORSHIP_CLOSED = "mentorship.closed", _("Mentorship closed")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CREDENTIAL_EXPIRED = "credential.expired", _("Credential expired")
    PERSON_PROVISIONED = "person.provisioned", _("Person provisioned")
    PERSON_DEPROVISIONED = "person.deprovisioned", _("Person deprovisioned")


# The audit action behind each event: webhooks read the audit trail, so no app has to know
# that integrations exist.
EVENT_ACTIONS = {
    WebhookEvent.MENTORSHIP_CREATED: "mentorship.created",
    WebhookEvent.MENTORSHIP_ACTIVATED: "mentorship.activated",
    WebhookEvent.MENTORSHIP_CLOSED: "mentorship.closed",
    WebhookEvent.CERTIFICATE_ISSUED: "certificate.issued",
    WebhookEvent.CREDENTIAL_EXPIRED: "credential.expired",
    WebhookEvent.PERSON_PROVISIONED: "scim.user_created",
    WebhookEvent.PERSON_DEPROVISIONED: "scim.user_deprovisioned",
}
TEST_EVENT = "webhook.test"


class WebhookEndpoint(models.Model):
    """An HTTPS address an organization admin registered to receive signed events."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(default=list)
    # Fernet-encrypted with a key derived from SECRET_KEY (see secrets_box).
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The last audit event already turned into deliveries for this endpoint.
    cursor = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(WebhookEvent(e).label) for e in self.events if e in WebhookEvent.values]


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self) -> "WebhookDeliveryQuerySet":
        return self.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        )


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint, with what happened on each attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40)
    audit_event_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "audit_event_id"],
                condition=models.Q(audit_event_id__isnull=False),
                name="webhook_delivery_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class HrField(models.TextChoices):
    """What a column of an HR file can mean; employee number and e-mail are required."""

    EMPLOYEE_NUMBER = "employee_number", _("Employee number")
    EMAIL = "email", _("E-mail address")
    FULL_NAME = "full_name", _("Full name")
    DEPARTMENT = "department", _("Department")
    JOB_TITLE = "job_title", _("Job title")
    ROLE = "role", _("Role (member or mentor)")
    END_DATE = "end_date", _("Last working day (YYYY-MM-DD)")


HR_REQUIRED_FIELDS = (HrField.EMPLOYEE_NUMBER, HrField.EMAIL)


class HrFeed(models.Model):
    """A scheduled import of the organization's staff list from its HR system.

    Each run is a dry run first (joiners, changes, leavers); nothing changes until an admin or
    coordinator applies that run.
    """

    class Source(models.TextChoices):
        STORAGE = "storage", _("A file in object storage")
        URL = "url", _("An HTTPS address")

    class Frequency(models.TextChoices):
        MANUAL = "manual", _("Only when run by hand")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="hr_feeds"
    )
    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The object's name inside the private storage, always under hr-feeds/<organization code>/.
    storage_name = models.CharField(_("file in storage"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # {field: header as written in the file}, e.g. {"email": "Work e-mail"}.
    mapping = models.JSONField(default=dict)
    frequency = models.CharField(
        _("schedule"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    next_run_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="hr_feed_unique_name_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def location(self) -> str:
        return self.url if self.source == self.Source.URL else self.storage_name


class HrFeedRun(models.Model):
    """One reading of a feed's file: the diff it found and, once applied, who applied it."""

    class Status(models.TextChoices):
        READY = "ready", _("Ready to apply")
        INVALID = "invalid", _("Has errors")
        FAILED = "failed", _("Could not be read")
        APPLIED = "applied", _("Applied")
        SUPERSEDED = "superseded", _("Superseded")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("By hand")
        SCHEDULE = "schedule", _("Scheduled")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    feed = models.ForeignKey(HrFeed, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=12, choices=Status.choices)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    source_sha256 = models.CharField(max_length=64, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    joiner_count = models.PositiveIntegerField(default=0)
    change_count = models.PositiveIntegerField(default=0)
    leaver_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # {"joiners": [...], "changes": [...], "leavers": [...], "errors": [...]}
    diff = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.feed} {self.created_at:%Y-%m-%d %H:%M}"

    def can_apply(self) -> bool:
        return self.status == self.Status.READY


class HrFeedPerson(models.Model):
    """A person as the HR feed last described them. ``user`` is empty while an invitation to
    an existing account waits to be accepted; ``active`` false once they left."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    feed = models.ForeignKey(HrFeed, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hr_feed_records",
    )
    employee_number = models.CharField(max_length=100)
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    department = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    # True when the feed created the account, so a leaver's account may stop too.
    created_account = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["employee_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "employee_number"], name="hr_feed_person_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.employee_number


class CalendarSubscription(models.Model):
    """A person's private iCalendar (free/busy) address. Only busy blocks are kept from it:
    no titles, places or attendees, and only for the next few weeks."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_subscription"
    )
    # Fernet-encrypted: a private calendar address is a secret (see secrets_box).
    url_encrypted = models.TextField(editable=False)
    # The host alone, to show which calendar this is without revealing the address.
    host = models.CharField(max_length=200)
    fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.host


class BusyBlock(models.Model):
    subscription = models.ForeignKey(
        CalendarSubscription, on_delete=models.CASCADE, related_name="busy_blocks"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["subscription", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="busy_block_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
