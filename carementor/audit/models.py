from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Audit rows are kept at least this long; nothing purges younger rows (see the audit
# README). Longer retention is an organization's legal choice.
RETENTION_DAYS = 366


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_organization(self, organization: Any) -> "AuditEventQuerySet":
        return self.filter(organization=organization)

    def about_person(self, user: Any) -> "AuditEventQuerySet":
        """Events the person did, or that were about them (failed logins, lockouts, erasure)."""
        return self.filter(models.Q(actor=user) | models.Q(subject=user))

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One security-relevant thing that happened. Rows are only ever inserted.

    A row points to people (``actor``, ``subject``) and never copies their e-mail address or
    name, so erasing a person pseudonymizes their account row and leaves the trail untouched.
    Accounts are therefore never deleted while audit rows point to them (``PROTECT``).
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Names an actor that is not a person ("virus-scanner", a command); never an address.
    actor_label = models.CharField(max_length=80, blank=True)
    # The person the event is about when that is not the actor: the account a failed login
    # tried, the member whose data an admin exported.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["subject", "-at"]),
        ]

    def __str__(self) -> str:
        who = self.actor.code if self.actor_id and self.actor else self.actor_label or "-"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only.")

    @property
    def target_label(self) -> str:
        return f"{self.target_type} {self.target_id}".strip()
