"""Messages inside a mentorship, their attachments, and unread counts."""

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.credentials import storage
from carementor.credentials.uploads import InspectedFile
from carementor.lib.private_files import download_response
from carementor.lib.safeguards import require_no_identifiers
from carementor.mentorships.models import (
    OPEN_PHASES,
    Mentorship,
    MentorshipParty,
    Message,
    MessageAttachment,
)
from carementor.mentorships.services import MentorshipError, _locked, _require_party
from carementor.notifications.services import notify

if TYPE_CHECKING:
    from carementor.accounts.models import User

MAX_BODY = 10000


def message_send(
    *,
    mentorship: Mentorship,
    author: Any,
    body: str,
    attachment: InspectedFile | None = None,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> Message:
    """Post a message; the attachment has already passed the credentials upload inspector.

    A body that looks like it identifies a patient (a record number, an Aadhaar or NHS number,
    a name after "Mr", a date of birth) is refused with ``patient_identifiers`` until the author
    edits it or confirms that it identifies nobody."""
    body = body.strip()
    if not body and attachment is None:
        raise MentorshipError(_("Write a message or attach a file."), status=422, code="invalid")
    if len(body) > MAX_BODY:
        raise MentorshipError(_("The message is too long."), status=422, code="invalid")
    require_no_identifiers(body, confirmed=confirm_no_identifiers)
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


def messages_mark_read(mentorship: Mentorship, user: "User") -> None:
    MentorshipParty.objects.filter(mentorship=mentorship, user=user).update(
        last_read_at=timezone.now()
    )


def unread_filter(user: "User") -> models.Q:
    """Messages by others after the person last read, as a filter on Message."""
    party = MentorshipParty.objects.filter(mentorship=models.OuterRef("mentorship"), user=user)
    return models.Q(
        models.Exists(party.filter(last_read_at__isnull=True))
        | models.Q(created_at__gt=models.Subquery(party.values("last_read_at")[:1]))
    ) & ~models.Q(author=user)


def unread_count(user: "User", mentorship: Mentorship | None = None) -> int:
    rows = Message.objects.filter(mentorship__parties__user=user)
    if mentorship is not None:
        rows = rows.filter(mentorship=mentorship)
    return rows.filter(unread_filter(user)).distinct().count()


def attachment_response(
    attachment: MessageAttachment, *, user: "User", request: Any
) -> FileResponse:
    record(
        user,
        "message_attachment.downloaded",
        attachment.message.mentorship,
        organization=attachment.message.mentorship.organization,
        request=request,
        detail={"attachment": attachment.code},
    )
    return download_response(
        storage.open_file(attachment.storage_name),
        filename=attachment.name,
        content_type=attachment.content_type,
    )
