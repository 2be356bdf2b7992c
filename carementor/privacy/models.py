"""A person's data rights: the exports of their data and the erasure of their account."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code

EXPORT_DAYS = 7  # an export can be downloaded for this long, then it is deleted
GRACE_DAYS = 14  # an erasure can be cancelled for this long


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def expired(self) -> "DataExportQuerySet":
        return self.filter(expires_at__lte=timezone.now()).exclude(storage_name="")


class DataExport(models.Model):
    """One ZIP of everything about a person, built in the background, kept EXPORT_DAYS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    storage_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.code}"

    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.storage_name)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class ErasureRequestQuerySet(models.QuerySet["ErasureRequest"]):
    def open(self) -> "ErasureRequestQuerySet":
        return self.filter(cancelled_at__isnull=True, completed_at__isnull=True)

    def due(self) -> "ErasureRequestQuerySet":
        return self.open().filter(scheduled_for__lte=timezone.now(), legal_hold=False)


class ErasureRequest(models.Model):
    """A request to erase a person's account, carried out after a grace period."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    scheduled_for = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set by platform staff when the law requires keeping the data (an investigation, a
    # court order); the erasure waits until the hold is lifted.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    hold_reason = models.CharField(_("reason for the hold"), max_length=300, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="erasure_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.code}"
