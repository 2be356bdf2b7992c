"""Scheduled community chats: moderators schedule them with a host; members write while the
chat is live (through the patient-identifier check); afterwards the thread is an archive."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.communities.errors import CommunityError
from carementor.communities.models import Chat, ChatMessage, Visibility
from carementor.communities.permissions import CommunityAccess
from carementor.communities.posting import screen

MAX_HOURS = 4
MESSAGES_PER_MINUTE = 10


@transaction.atomic
def chat_schedule(
    access: CommunityAccess,
    actor: User,
    *,
    topic: str,
    host: User,
    starts_at: datetime,
    ends_at: datetime,
    request: HttpRequest | None = None,
) -> Chat:
    if not access.can_moderate:
        raise PermissionDenied(_("Only the community's moderators may schedule chats."))
    if ends_at <= starts_at or ends_at - starts_at > timedelta(hours=MAX_HOURS):
        raise CommunityError(
            _("A chat ends after it starts, and lasts at most %(n)d hours.") % {"n": MAX_HOURS},
            status=422,
            code="invalid_times",
        )
    if ends_at <= timezone.now():
        raise CommunityError(_("That time has passed."), status=422, code="invalid_times")
    if not access.community.members.active().filter(user=host).exists():
        raise CommunityError(_("The host must be a member."), status=422, code="invalid_host")
    chat = Chat.objects.create(
        community=access.community,
        topic=topic.strip(),
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    record(
        actor,
        "communities.chat_scheduled",
        chat,
        organization=access.community.organization,
        request=request,
    )
    return chat


def chat_say(
    access: CommunityAccess,
    chat: Chat,
    author: User,
    body: str,
    *,
    confirm_no_identifiers: bool = False,
) -> ChatMessage:
    """Write in a live chat. A message with an identifier the author insists is harmless is
    held for the moderators, like a post."""
    if not access.can_post:
        raise CommunityError(
            _("Join the community and accept its guidelines to take part."),
            status=403,
            code="not_a_member",
        )
    now = timezone.now()
    if not chat.is_live(now):
        raise CommunityError(_("This chat is not live."), code="not_live")
    recent = ChatMessage.objects.filter(
        chat=chat, author=author, created_at__gte=now - timedelta(minutes=1)
    ).count()
    if recent >= MESSAGES_PER_MINUTE:
        raise CommunityError(_("Slow down a little."), status=429, code="rate_limited")
    held = screen(body, confirmed=confirm_no_identifiers)
    return ChatMessage.objects.create(
        chat=chat,
        author=author,
        body=body.strip(),
        visibility=Visibility.HELD if held else Visibility.VISIBLE,
    )


@transaction.atomic
def chat_moderate(
    access: CommunityAccess,
    moderator: User,
    message: ChatMessage,
    action: str,
    *,
    request: HttpRequest | None = None,
) -> ChatMessage:
    """Approve a held chat message, or remove a message."""
    if not access.can_moderate:
        raise PermissionDenied(_("Only the community's moderators may do this."))
    if action not in ("approve", "remove"):
        raise CommunityError(_("That is not a moderation action."), status=422, code="invalid")
    message = ChatMessage.objects.select_for_update().get(pk=message.pk)
    message.visibility = Visibility.VISIBLE if action == "approve" else Visibility.REMOVED
    message.save(update_fields=["visibility"])
    record(
        moderator,
        f"communities.chat_{action}",
        message,
        organization=access.community.organization,
        request=request,
        subject=message.author,
    )
    return message
