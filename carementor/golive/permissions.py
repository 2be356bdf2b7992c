"""The access gate for go-lives: coordinators and admins of its organization manage it; the
coaches and members of its teams see it and take part; everyone else gets 404, as if it did
not exist. Everything inside a go-live (teams, checklist, milestones, issues, pulse, pairs)
is reached through this gate."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.accounts.models import User
from carementor.golive.models import GoLive, TeamMember, TeamRole
from carementor.organizations import roles


@dataclass(frozen=True)
class Access:
    golive: GoLive
    manager: bool
    coach: bool
    member: bool

    @property
    def coaches(self) -> bool:
        """May tick the checklist, pass milestones and resolve issues."""
        return self.manager or self.coach


def get_golive_for(user: User, code: str, *, manage: bool = False, coach: bool = False) -> Access:
    golive = (
        GoLive.objects.select_related("organization", "program").filter(code=code).first()
        if user.is_authenticated
        else None
    )
    if golive is None:
        raise Http404
    manager = user.is_staff or golive.organization_id in roles.managed_organization_ids(user)
    team_roles = set(
        TeamMember.objects.filter(team__golive=golive, user=user).values_list("role", flat=True)
    )
    access = Access(golive, manager, TeamRole.COACH in team_roles, bool(team_roles))
    if not (access.manager or access.member):
        raise Http404
    if manage and not access.manager:
        raise PermissionDenied
    if coach and not access.coaches:
        raise PermissionDenied
    return access


def can_create_in(user: User, organization_id: int) -> bool:
    return user.is_staff or organization_id in roles.managed_organization_ids(user)
