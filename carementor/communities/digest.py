"""The daily digest: one notification a person (e-mailed as they chose) listing the new posts
in every community where they asked for it. ``communities_digest`` runs it each morning."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.communities.errors import CommunityError
from carementor.communities.models import Member, Post, Visibility
from carementor.notifications.services import notify_each

WINDOW = timedelta(days=1)
# Two runs on one day (a retry, a second scheduler) must not send a second digest.
MIN_GAP = timedelta(hours=20)
MAX_LISTED = 20


def community_digest(member: Member, *, digest: bool) -> Member:
    """Turn the daily digest of one community on or off for its member."""
    if not member.is_active:
        from django.utils.translation import gettext as _

        raise CommunityError(_("Join the community first."), code="not_a_member")
    member.digest = digest
    member.save(update_fields=["digest", "updated_at"])
    return member


@transaction.atomic
def digests_send(now: datetime | None = None) -> int:
    """Send the digests due; returns how many people got one. Safe to run twice."""
    now = now or timezone.now()
    members = list(
        Member.objects.active()
        .filter(digest=True, muted=False, community__archived_at__isnull=True)
        .exclude(digest_sent_at__gt=now - MIN_GAP)
        .select_related("user", "community")
        .select_for_update(of=("self",))
        .order_by("user_id", "community__name", "id")
    )
    if not members:
        return 0
    oldest = now - WINDOW
    posts = (
        Post.objects.filter(
            community__in={m.community_id for m in members},
            visibility=Visibility.VISIBLE,
            created_at__gt=oldest,
            created_at__lte=now,
        )
        .only("code", "title", "community_id", "author_id", "created_at")
        .order_by("-created_at", "-id")
    )
    by_community: dict[int, list[Post]] = {}
    for found in posts:
        by_community.setdefault(found.community_id, []).append(found)
    entries: list[tuple[Any, dict[str, Any]]] = []
    people: dict[int, list[Member]] = {}
    for member in members:
        people.setdefault(member.user_id, []).append(member)
    for person in people.values():
        listed: list[dict[str, str]] = []
        for member in person:
            since = max(oldest, member.digest_sent_at or oldest)
            for found in by_community.get(member.community_id, []):
                if found.created_at > since and found.author_id != member.user_id:
                    listed.append(
                        {
                            "title": found.title,
                            "community": member.community.name,
                            "url": found.get_absolute_url(),
                        }
                    )
        if listed:
            context = {"count": len(listed), "posts": listed[:MAX_LISTED], "url": "/communities/"}
            entries.append((person[0].user, context))
    sent = notify_each(entries, "community_digest")
    Member.objects.filter(pk__in=[m.pk for m in members]).update(digest_sent_at=now)
    return sent
