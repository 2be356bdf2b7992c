from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Send each notification by e-mail")
    DIGEST = "digest", _("One daily digest e-mail")
    OFF = "off", _("No e-mail (in-app only)")


class NotificationPreference(models.Model):
    """How a person wants to hear about things. No row means immediate e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.email_mode}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: object) -> "NotificationQuerySet":
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def awaiting_email(self, mode: str) -> "NotificationQuerySet":
        return self.filter(email_mode=mode, emailed_at__isnull=True)


class Notification(models.Model):
    """One thing one person should know about, shown in-app and (maybe) e-mailed.

    Written in the same transaction as the change that causes it, so a worker restart never
    loses it: the e-mail is sent later from this row, and ``emailed_at`` makes that idempotent.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_type = models.CharField(max_length=80, blank=True)
    target_code = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict, blank=True)
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_mode", "emailed_at"], name="notification_email_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    def is_read(self) -> bool:
        return self.read_at is not None
