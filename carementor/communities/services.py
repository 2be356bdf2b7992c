"""State changes of communities: created, joined, left, muted; members decided, invited,
warned and removed. Posts and moderation live in ``posting.py``."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.communities.errors import CommunityError
from carementor.communities.models import (
    Community,
    JoinPolicy,
    Kind,
    Member,
    MemberStatus,
    ModerationAction,
    Role,
)
from carementor.communities.permissions import CommunityAccess, is_eligible
from carementor.notifications.services import notify
from carementor.organizations.models import Membership, Organization
from carementor.organizations.models import Role as OrgRole
from carementor.profiles.models import Profession, Specialty
from carementor.programs.models import Program

DEFAULT_GUIDELINES = gettext_lazy(
    "Be kind and constructive. Never share anything that could identify a patient: no names, "
    "record numbers, dates of birth, photographs of charts or scans. Give sources for clinical "
    "claims. Disclose your competing interests. Advice here does not replace local protocols."
)


def _overseer(user: User, organization: Organization) -> bool:
    membership = Membership.objects.filter(user=user, organization=organization).first()
    return bool(user.is_staff) or (
        membership is not None
        and (membership.has_role(OrgRole.ADMIN) or membership.has_role(OrgRole.COORDINATOR))
    )


def _recount(community: Community) -> None:
    community.member_count = community.members.active().count()
    community.save(update_fields=["member_count"])


@transaction.atomic
def community_create(
    *,
    actor: User,
    name: str,
    guidelines: str,
    description: str = "",
    join_policy: str = JoinPolicy.OPEN,
    organization: Organization | None = None,
    profession: Profession | None = None,
    specialty: Specialty | None = None,
    region: str = "",
    topic: str = "",
    request: HttpRequest | None = None,
) -> Community:
    """An open community (anyone signed in may start one and owns it), or an organisation's
    community (its admins and coordinators start those)."""
    if organization is not None and not _overseer(actor, organization):
        raise PermissionDenied(_("Only the organisation's admins and coordinators may do this."))
    community = Community.objects.create(
        kind=Kind.ORGANIZATION if organization is not None else Kind.OPEN,
        organization=organization,
        name=name.strip(),
        description=description.strip(),
        guidelines=guidelines.strip() or str(DEFAULT_GUIDELINES),
        join_policy=join_policy,
        profession=profession,
        specialty=specialty,
        region=region.strip(),
        topic=topic.strip(),
        created_by=actor,
    )
    _owner(community, actor)
    record(actor, "communities.created", community, organization=organization, request=request)
    return community


def _owner(community: Community, user: User) -> Member:
    now = timezone.now()
    member = Member.objects.create(
        community=community,
        user=user,
        role=Role.OWNER,
        status=MemberStatus.ACTIVE,
        guidelines_accepted_at=now,
        joined_at=now,
    )
    _recount(community)
    return member


@transaction.atomic
def community_for_program(
    program: Program, *, actor: User | None, request: HttpRequest | None = None
) -> Community:
    """The programme's own community, created the first time (safe to call twice). Called by
    a coordinator's button and by the ``communities_for_programs`` command; ``actor`` None
    means the command, and then nobody owns it until a coordinator joins as one."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    existing = Community.objects.filter(program=program).first()
    if existing is not None:
        return existing
    if actor is not None and not _overseer(actor, program.organization):
        raise PermissionDenied(_("Only the organisation's admins and coordinators may do this."))
    community = Community.objects.create(
        kind=Kind.PROGRAM,
        organization=program.organization,
        program=program,
        name=program.name[:120],
        description=_("The space for everyone taking part in this programme."),
        guidelines=str(DEFAULT_GUIDELINES),
        join_policy=JoinPolicy.OPEN,
        created_by=actor,
    )
    if actor is not None:
        _owner(community, actor)
    record(
        actor,
        "communities.created",
        community,
        organization=program.organization,
        request=request,
        actor_label="" if actor else "communities_for_programs",
    )
    return community


@transaction.atomic
def community_join(
    community: Community,
    user: User,
    *,
    accept_guidelines: bool,
    request: HttpRequest | None = None,
) -> Member:
    """Join an open community, ask to join a request-only one, or accept an invitation. The
    guidelines must be accepted every time."""
    if not is_eligible(user, community):
        raise CommunityError(_("You cannot join this community."), status=403, code="forbidden")
    if not accept_guidelines:
        raise CommunityError(
            _("Read and accept the community's guidelines to join."),
            status=422,
            code="guidelines_not_accepted",
            errors=[{"loc": ["accept_guidelines"], "msg": _("Accept the guidelines.")}],
        )
    member = Member.objects.select_for_update().filter(community=community, user=user).first()
    if member is not None and member.status == MemberStatus.BANNED:
        raise CommunityError(
            _("A moderator removed you from this community."), status=403, code="banned"
        )
    if member is not None and member.status in (MemberStatus.ACTIVE, MemberStatus.REQUESTED):
        return member
    now = timezone.now()
    invited = member is not None and member.status == MemberStatus.INVITED
    if community.join_policy == JoinPolicy.INVITATION and not invited:
        raise CommunityError(
            _("This community is by invitation only."), status=403, code="invitation_only"
        )
    status = MemberStatus.ACTIVE
    if community.join_policy == JoinPolicy.REQUEST and not invited:
        status = MemberStatus.REQUESTED
    if member is None:
        member = Member(community=community, user=user)
    member.status = status
    member.guidelines_accepted_at = now
    member.joined_at = now if status == MemberStatus.ACTIVE else None
    member.save()
    _recount(community)
    record(
        user,
        "communities.joined" if status == MemberStatus.ACTIVE else "communities.join_requested",
        community,
        organization=community.organization,
        request=request,
    )
    if status == MemberStatus.REQUESTED:
        moderators = [
            m.user
            for m in community.members.active()
            .filter(role__in=[Role.OWNER, Role.MODERATOR])
            .select_related("user")
        ]
        notify(
            moderators,
            "community_join_requested",
            target=community,
            actor=user,
            context={"community": community.name},
            organization=community.organization,
        )
    return member


@transaction.atomic
def community_leave(member: Member, *, request: HttpRequest | None = None) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.REQUESTED, MemberStatus.INVITED):
        return member
    if member.role == Role.OWNER and not (
        member.community.members.active().filter(role=Role.OWNER).exclude(pk=member.pk).exists()
    ):
        raise CommunityError(_("Make another member an owner before you leave."), code="last_owner")
    member.status = MemberStatus.LEFT
    member.role = Role.MEMBER
    member.save(update_fields=["status", "role", "updated_at"])
    _recount(member.community)
    record(
        member.user,
        "communities.left",
        member.community,
        organization=member.community.organization,
        request=request,
    )
    return member


def community_mute(member: Member, *, muted: bool) -> Member:
    """Muted members get no notifications from the community; nothing else changes."""
    if not member.is_active:
        raise CommunityError(_("Join the community first."), code="not_a_member")
    member.muted = muted
    member.save(update_fields=["muted", "updated_at"])
    return member


def _require_moderator(access: CommunityAccess) -> Member:
    if not access.can_moderate or access.member is None:
        raise PermissionDenied(_("Only the community's moderators may do this."))
    return access.member


MEMBER_ACTIONS = ("approve", "decline", "make_moderator", "make_member", "warn", "suspend", "ban")
MAX_SUSPENSION_DAYS = 90


@transaction.atomic
def member_decide(
    access: CommunityAccess,
    member: Member,
    action: str,
    *,
    reason: str = "",
    days: int = 0,
    request: HttpRequest | None = None,
) -> Member:
    """A moderator approves or declines a request to join, warns a member, mutes them for
    ``days`` (they read but cannot write), removes them, or (owners only) changes a role."""
    moderator = _require_moderator(access)
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.community_id != access.community.pk or action not in MEMBER_ACTIONS:
        raise CommunityError(_("That is not possible."), status=422, code="invalid")
    if member.role == Role.OWNER and moderator.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner may act on another owner."))
    if member.pk == moderator.pk:
        raise CommunityError(_("You cannot do this to yourself."), status=422, code="invalid")
    community = access.community
    now = timezone.now()
    if action in ("approve", "decline"):
        if member.status != MemberStatus.REQUESTED:
            raise CommunityError(_("This person has not asked to join."), code="not_requested")
        member.status = MemberStatus.ACTIVE if action == "approve" else MemberStatus.LEFT
        member.joined_at = now if action == "approve" else None
    elif action in ("make_moderator", "make_member"):
        if moderator.role != Role.OWNER or not member.is_active:
            raise PermissionDenied(_("Only an owner may change roles."))
        member.role = Role.MODERATOR if action == "make_moderator" else Role.MEMBER
    elif action == "warn":
        member.warnings = F("warnings") + 1
    elif action == "suspend":
        if not 1 <= days <= MAX_SUSPENSION_DAYS:
            raise CommunityError(
                _("Mute for 1 to %(n)d days.") % {"n": MAX_SUSPENSION_DAYS},
                status=422,
                code="invalid_days",
            )
        member.suspended_until = now + timedelta(days=days)
    elif action == "ban":
        member.status = MemberStatus.BANNED
        member.role = Role.MEMBER
    member.save()
    member.refresh_from_db()
    _recount(community)
    if action in ("warn", "suspend", "ban"):
        ModerationAction.objects.create(
            community=community,
            moderator=moderator.user,
            action=action,
            member=member,
            reason=reason[:300],
        )
    record(
        moderator.user,
        f"communities.member_{action}",
        member,
        organization=community.organization,
        request=request,
        subject=member.user,
        detail={"community": community.code, "reason": reason[:300], "days": days},
    )
    if action in ("approve", "warn", "suspend", "ban"):
        notify(
            [member.user],
            f"community_member_{action}",
            target=community,
            actor=moderator.user,
            context={"community": community.name, "reason": reason[:300]},
            organization=community.organization,
        )
    return member


@transaction.atomic
def member_invite(
    access: CommunityAccess, invitee: User, *, request: HttpRequest | None = None
) -> Member:
    moderator = _require_moderator(access)
    community = access.community
    if not is_eligible(invitee, community):
        raise CommunityError(
            _("This person cannot join this community."), status=422, code="not_eligible"
        )
    member = Member.objects.select_for_update().filter(community=community, user=invitee).first()
    if member is not None and member.status in (MemberStatus.ACTIVE, MemberStatus.BANNED):
        return member
    if member is None:
        member = Member(community=community, user=invitee)
    if member.status == MemberStatus.REQUESTED:
        member.status = MemberStatus.ACTIVE
        member.joined_at = timezone.now()
    else:
        member.status = MemberStatus.INVITED
    member.save()
    _recount(community)
    record(
        moderator.user,
        "communities.invited",
        member,
        organization=community.organization,
        request=request,
        subject=invitee,
    )
    notify(
        [invitee],
        "community_invited",
        target=community,
        actor=moderator.user,
        context={"community": community.name},
        organization=community.organization,
    )
    return member


def communities_of(user: User) -> Any:
    """Communities ``user`` is an active member of (or asked to join, or is invited to)."""
    return (
        Community.objects.live()
        .filter(
            members__user=user,
            members__status__in=[
                MemberStatus.ACTIVE,
                MemberStatus.REQUESTED,
                MemberStatus.INVITED,
            ],
        )
        .annotate(my_status=F("members__status"), my_role=F("members__role"))
        .select_related("organization", "program")
    )
