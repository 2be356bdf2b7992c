"""The roles a person holds in each of their organizations, as the gates ask for them on
every request, cached under the person's access stamp (see carementor.accounts.facts).

A membership saved or deleted replaces the stamp (organizations.apps connects the receiver),
so a role granted or taken away counts from the next request on, in every process.
"""

from typing import Any, NamedTuple

from carementor.accounts.facts import cached_fact


class OrganizationRoles(NamedTuple):
    organization_id: int
    is_admin: bool
    is_coordinator: bool
    is_reviewer: bool
    is_mentor: bool

    @property
    def is_privileged(self) -> bool:
        return self.is_admin or self.is_coordinator or self.is_reviewer

    @property
    def manages(self) -> bool:
        return self.is_admin or self.is_coordinator


def _load(user: Any) -> tuple[OrganizationRoles, ...]:
    from carementor.organizations.models import Membership

    rows = (
        Membership.objects.filter(user=user)
        .order_by()
        .values_list("organization_id", "is_admin", "is_coordinator", "is_reviewer", "is_mentor")
    )
    return tuple(OrganizationRoles(*row) for row in rows)


def organization_roles(user: Any) -> tuple[OrganizationRoles, ...]:
    """One entry per membership; empty for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return ()
    return cached_fact(user, "organization_roles", lambda: _load(user))


def member_organization_ids(user: Any) -> set[int]:
    return {role.organization_id for role in organization_roles(user)}


def managed_organization_ids(user: Any) -> set[int]:
    """Organizations where the person is a coordinator or an admin."""
    return {role.organization_id for role in organization_roles(user) if role.manages}


def is_reviewer_anywhere(user: Any) -> bool:
    return any(role.is_reviewer for role in organization_roles(user))
