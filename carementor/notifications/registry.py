"""Extra e-mail attachments per notification kind, registered by the app that owns the kind.

The mentorships app registers the meeting invite (.ics) here from its AppConfig.ready(), so
this app never imports mentorships.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carementor.notifications.models import Notification

# (filename, content, mimetype)
Attachment = tuple[str, bytes | str, str]
AttachmentBuilder = Callable[["Notification"], list[Attachment]]

_builders: dict[str, AttachmentBuilder] = {}


def register_attachments(kind: str, builder: AttachmentBuilder) -> None:
    _builders[kind] = builder


def attachments_for(notification: "Notification") -> list[Attachment]:
    builder = _builders.get(notification.kind)
    return builder(notification) if builder else []
