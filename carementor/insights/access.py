"""Who reads a programme's dashboard: the coordinators and admins who manage it (the
programmes' own gate: strangers get 404, other members 403); an organization's dashboard: its
admins and coordinators; a national programme's dashboard across organizations: its leads."""

from typing import TYPE_CHECKING

from django.http import Http404

from carementor.organizations.models import Organization, Role
from carementor.organizations.permissions import get_organization_for
from carementor.programs.models import Program
from carementor.programs.permissions import get_program_for

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_dashboard_program(user: "User", code: str) -> Program:
    return get_program_for(user, code, manage=True)


def get_dashboard_organization(user: "User", code: str) -> Organization:
    """An organization whose admins and coordinators read the figures of all its programmes."""
    return get_organization_for(user, code, role=(Role.ADMIN, Role.COORDINATOR))


def get_national_organization(user: "User", code: str) -> Organization:
    """A national programme's organization, for its leads (its admins and coordinators, and
    platform staff) who read its figures across the organizations taking part. Strangers
    and organizations that run no national programme get 404, other members 403."""
    organization = get_organization_for(user, code, role=(Role.ADMIN, Role.COORDINATOR))
    if organization.kind != Organization.Kind.NATIONAL_PROGRAM:
        raise Http404
    return organization
