"""Access gates for instruments and survey assignments, shared by pages and API.

Programmes use the programmes app's gate (``get_program_for(..., manage=True)``) for the
schedule and settings. A survey assignment is its recipient's alone: everyone else, the
programme's coordinators included, gets 404.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from carementor.evaluations.models import Instrument, SurveyAssignment
from carementor.organizations.models import Organization
from carementor.programs.permissions import can_manage_organization, managed_organization_ids

if TYPE_CHECKING:
    from carementor.accounts.models import User


def instruments_visible_to(user: "User") -> "QuerySet[Instrument]":
    """The shipped library, plus the instruments of organizations the person manages."""
    if not getattr(user, "is_authenticated", False):
        return Instrument.objects.none()
    if user.is_staff:
        return Instrument.objects.all()
    return Instrument.objects.available_to(managed_organization_ids(user))


def get_instrument_for(user: "User", code: str, *, write: bool = False) -> Instrument:
    instrument = (
        instruments_visible_to(user).select_related("organization").filter(code=code).first()
    )
    if instrument is None:
        raise Http404
    if write and (
        instrument.organization is None
        or not can_manage_organization(user, instrument.organization)
    ):
        raise PermissionDenied
    return instrument


def organizations_managed_by(user: "User") -> "QuerySet[Organization]":
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=managed_organization_ids(user)).order_by("name")


def get_managed_organization_for(user: "User", code: str) -> Organization:
    organization = organizations_managed_by(user).filter(code=code).first()
    if organization is None:
        raise Http404
    return organization


def get_assignment_for(user: "User", code: str) -> SurveyAssignment:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    assignment = (
        SurveyAssignment.objects.select_related(
            "instrument", "program__organization", "mentorship", "subject"
        )
        .filter(code=code, user=user)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment
