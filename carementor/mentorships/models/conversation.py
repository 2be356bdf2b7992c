"""The conversation inside a mentorship, and reminders already sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from carementor.lib.codes import new_code
from carementor.mentorships.models.relationship import Mentorship


class Message(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.code}"


class MessageAttachment(models.Model):
    """A file checked by the credentials upload inspector, stored outside any web root."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.name


class Nudge(models.Model):
    """One reminder or nudge already sent, keyed so a daily command never repeats it."""

    key = models.CharField(max_length=120, unique=True)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="nudges")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
