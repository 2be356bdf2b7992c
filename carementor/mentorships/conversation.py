"""Messages inside a mentorship, their attachments, and unread counts."""

from typing import Any

from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.credentials import storage
from carementor.credentials.uploads import InspectedFile
from carementor.mentorships.models import (
    OPEN_PHASES,
    Mentorship,
    MentorshipParty,
    Message,
    MessageAttachment,
)
from carementor.mentorships.services import MentorshipError, _locked, _require_party
from carementor.notifications.services import notify

MAX_BODY = 10000


def message_send(
    *,
    mentorship: Mentorship,
    author: Any,
    body: str,
    attachment: InspectedFile | None = None,
    request: Any = None,
) -> Message:
    """Post a message; the attachment has already passed the credentials upload inspector."""
    body = body.strip()
    if not body and attachment is None:
        raise MentorshipError(_("Write a message or attach a file."), status=422, code="invalid")
    if len(body) > MAX_BODY:
        raise MentorshipError(_("The message is too long."), status=422, code="invalid")
    stored = storage.save_bytes(attachment.data) if attachment is not None else None
    try:
        with transaction.atomic():
            mentorship = _locked(mentorship)
            _require_party(mentorship, author)
            if mentorship.phase not in OPEN_PHASES:
                raise MentorshipError(_("This mentorship has ended; the conversation is closed."))
            message = Message.objects.create(mentorship=mentorship, author=author, body=body)
            if attachment is not None and stored is not None:
                MessageAttachment.objects.create(
                    message=message,
                    name=attachment.name,
                    content_type=attachment.content_type,
                    size=attachment.size,
                    sha256=attachment.sha256,
                    storage_name=stored,
                )
            MentorshipParty.objects.filter(mentorship=mentorship, user=author).update(
                last_read_at=message.created_at
            )
            # The notification says who wrote, never what: titles are stored and e-mailed.
            notify(
                mentorship.parties_except(author),
                "message_received",
                target=mentorship,
                context={
                    "program": mentorship.program.name,
                    "url": f"/mentorships/{mentorship.code}/messages/",
                },
                actor=author,
                organization=mentorship.organization,
            )
    except BaseException:
        if stored is not None:
            storage.delete(stored)
        raise
    return message


def messages_mark_read(mentorship: Mentorship, user: Any) -> None:
    MentorshipParty.objects.filter(mentorship=mentorship, user=user).update(
        last_read_at=timezone.now()
    )


def unread_filter(user: Any) -> models.Q:
    """Messages by others after the person last read, as a filter on Message."""
    party = MentorshipParty.objects.filter(mentorship=models.OuterRef("mentorship"), user=user)
    return models.Q(
        models.Exists(party.filter(last_read_at__isnull=True))
        | models.Q(created_at__gt=models.Subquery(party.values("last_read_at")[:1]))
    ) & ~models.Q(author=user)


def unread_count(user: Any, mentorship: Mentorship | None = None) -> int:
    rows = Message.objects.filter(mentorship__parties__user=user)
    if mentorship is not None:
        rows = rows.filter(mentorship=mentorship)
    return rows.filter(unread_filter(user)).distinct().count()


def attachment_response(attachment: MessageAttachment, *, user: Any, request: Any) -> FileResponse:
    record(
        user,
        "message_attachment.downloaded",
        attachment.message.mentorship,
        organization=attachment.message.mentorship.organization,
        request=request,
        detail={"attachment": attachment.code},
    )
    handle = storage.path_for(attachment.storage_name).open("rb")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
