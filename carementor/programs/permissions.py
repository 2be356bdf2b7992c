"""Access gates for programmes and enrolments, shared by pages and API.

Strangers get 404 whether or not the programme exists; so do members asking for a draft they
may not manage. A member who can see a programme but asks to manage it gets 403.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from carementor.organizations import roles
from carementor.organizations.models import Organization
from carementor.programs.models import Enrollment, Program

if TYPE_CHECKING:
    from carementor.accounts.models import User

VISIBLE_STATUSES = (Program.Status.PUBLISHED, Program.Status.CLOSED)


def managed_organization_ids(user: "User") -> set[int]:
    # The roles are cached per person and replaced with every membership change.
    return roles.managed_organization_ids(user)


def member_organization_ids(user: "User") -> set[int]:
    return roles.member_organization_ids(user)


def can_manage(user: "User", program: Program) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return program.organization_id in roles.managed_organization_ids(user)


def can_manage_organization(user: "User", organization: Organization) -> bool:
    if user.is_staff:
        return True
    return organization.pk in managed_organization_ids(user)


def programs_visible_to(user: "User") -> "QuerySet[Program]":
    """Programmes a person may see: published ones of their organizations (and partners'),
    and every programme of the organizations they manage."""
    if not getattr(user, "is_authenticated", False):
        return Program.objects.none()
    if user.is_staff:
        return Program.objects.all()
    members = member_organization_ids(user)
    managed = managed_organization_ids(user)
    return Program.objects.filter(
        Q(organization_id__in=managed)
        | (
            Q(status__in=VISIBLE_STATUSES)
            & (Q(organization_id__in=members) | Q(partner_organizations__in=members))
        )
    ).distinct()


def get_program_for(user: "User", code: str, *, manage: bool = False) -> Program:
    program = (
        programs_visible_to(user).select_related("organization").filter(code=code).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if program is None:
        raise Http404
    if manage and not can_manage(user, program):
        raise PermissionDenied
    return program


def get_enrollment_for(user: "User", code: str, *, manage: bool = False) -> Enrollment:
    """One's own enrolment, or any enrolment of a programme one manages."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    enrollment = (
        Enrollment.objects.select_related("program__organization", "user").filter(code=code).first()
    )
    if enrollment is None:
        raise Http404
    manager = can_manage(user, enrollment.program)
    if enrollment.user_id != user.pk and not manager:
        raise Http404
    if manage and not manager:
        raise PermissionDenied
    return enrollment
