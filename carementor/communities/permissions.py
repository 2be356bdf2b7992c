"""Access gates for communities and posts, shared by pages and the API. Missing and not-yours
are the same 404.

Who may see a community at all:
- an open community: every signed-in person, except an invitation-only one, which only its
  members and invitees see;
- an organisation's community: the organisation's members;
- a programme's community: people approved in the programme, and the organisation's
  coordinators and admins.
Seeing a community is not reading it: the posts of a request-to-join or invitation-only
community are for its members only; an open community's posts are readable before joining.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from carementor.communities.models import (
    Appeal,
    Attachment,
    Chat,
    Community,
    JoinPolicy,
    Kind,
    Member,
    MemberStatus,
    Post,
    Visibility,
)
from carementor.organizations.models import Membership, Role
from carementor.programs.models import Enrollment

if TYPE_CHECKING:
    from carementor.accounts.models import User


def is_eligible(user: "User", community: Community) -> bool:
    """Whether ``user`` belongs to the circle a community serves (before any member row)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if community.kind == Kind.OPEN:
        return True
    membership = Membership.objects.filter(user=user, organization=community.organization)
    if community.kind == Kind.ORGANIZATION:
        return membership.exists()
    overseer = any(m.has_role(Role.COORDINATOR) or m.has_role(Role.ADMIN) for m in membership)
    return overseer or (
        Enrollment.objects.approved().filter(program=community.program, user=user).exists()
    )


@dataclass(frozen=True)
class CommunityAccess:
    community: Community
    member: Member | None

    @property
    def is_member(self) -> bool:
        return self.member is not None and self.member.is_active

    @property
    def is_banned(self) -> bool:
        return self.member is not None and self.member.status == MemberStatus.BANNED

    @property
    def can_read(self) -> bool:
        if self.is_member:
            return True
        return self.community.join_policy == JoinPolicy.OPEN and not self.is_banned

    @property
    def is_suspended(self) -> bool:
        until = self.member.suspended_until if self.member is not None else None
        return until is not None and until > timezone.now()

    @property
    def can_post(self) -> bool:
        if self.is_suspended:
            return False
        return (
            self.is_member and self.member is not None and bool(self.member.guidelines_accepted_at)
        )

    @property
    def can_moderate(self) -> bool:
        return self.member is not None and self.member.can_moderate


def get_community_for(user: "User", code: str) -> CommunityAccess:
    community = (
        Community.objects.live()
        .filter(code=code)
        .select_related("organization", "program", "profession", "specialty")
        .first()
    )
    if community is None or not getattr(user, "is_authenticated", False):
        raise Http404
    member = Member.objects.filter(community=community, user=user).first()
    if not is_eligible(user, community):
        raise Http404
    hidden = community.kind == Kind.OPEN and community.join_policy == JoinPolicy.INVITATION
    if hidden and (member is None or member.status == MemberStatus.LEFT):
        raise Http404
    return CommunityAccess(community, member)


def get_post_for(user: "User", code: str) -> tuple[CommunityAccess, Post]:
    """A post its community lets ``user`` read: visible ones, one's own held or hidden ones,
    and everything but removed posts for moderators."""
    post = (
        Post.objects.filter(code=code)
        .select_related("author", "community", "accepted_answer")
        .first()
    )
    if post is None:
        raise Http404
    access = get_community_for(user, post.community.code)
    if not access.can_read:
        raise Http404
    if not post.is_readable_by(user, moderator=access.can_moderate):
        raise Http404
    return access, post


def get_chat_for(user: "User", code: str) -> tuple[CommunityAccess, Chat]:
    """A chat of a community ``user`` may read."""
    chat = Chat.objects.filter(code=code).select_related("community", "host").first()
    if chat is None:
        raise Http404
    access = get_community_for(user, chat.community.code)
    if not access.can_read:
        raise Http404
    return access, chat


def get_attachment_for(user: "User", code: str) -> tuple[CommunityAccess, Attachment]:
    """A file on a post ``user`` may read; on a comment, only while that comment is readable
    too (visible, one's own held or hidden one, or anything but removed for moderators)."""
    attachment = Attachment.objects.filter(code=code).select_related("post", "comment").first()
    if attachment is None:
        raise Http404
    access, _post = get_post_for(user, attachment.post.code)
    comment = attachment.comment
    if comment is not None:
        if access.can_moderate:
            readable = comment.visibility != Visibility.REMOVED
        elif comment.visibility == Visibility.VISIBLE:
            readable = True
        else:
            readable = comment.author_id == getattr(user, "pk", None) and comment.visibility in (
                Visibility.HELD,
                Visibility.HIDDEN,
            )
        if not readable:
            raise Http404
    return access, attachment


def get_appeal_for(user: "User", code: str) -> tuple[CommunityAccess, Appeal]:
    """An appeal, for its author and the community's moderators."""
    appeal = Appeal.objects.filter(code=code).select_related("community", "post", "comment").first()
    if appeal is None:
        raise Http404
    access = get_community_for(user, appeal.community.code)
    if not access.can_moderate and appeal.author_id != getattr(user, "pk", None):
        raise Http404
    return access, appeal
