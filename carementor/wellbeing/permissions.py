"""Access gates for well-being data. A check-in is its owner's alone: everybody else — admins,
coordinators, platform staff — gets 404, as if it did not exist. A shared summary is seen by
its owner and by the mentors of the mentorship it was shared with."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.accounts.models import User
from carementor.mentorships.models import PartyRole
from carementor.organizations.models import Membership, Organization
from carementor.programs.models import Program
from carementor.programs.permissions import get_program_for
from carementor.wellbeing.models import CheckIn, SharedSummary


def get_checkin_for(user: User, code: str) -> CheckIn:
    checkin = (
        CheckIn.objects.filter(code=code, user=user).first() if user.is_authenticated else None
    )
    if checkin is None:
        raise Http404
    return checkin


def get_share_for(user: User, code: str, *, owner_only: bool = False) -> SharedSummary:
    share = (
        SharedSummary.objects.select_related("owner", "mentorship__program")
        .filter(code=code)
        .first()
    )
    if share is None or not user.is_authenticated:
        raise Http404
    if share.owner_id == user.pk:
        return share
    is_mentor = share.mentorship.parties.filter(user=user, role=PartyRole.MENTOR).exists()
    if owner_only or not is_mentor:
        raise Http404
    return share


def get_support_organization_for(user: User, code: str, *, write: bool = False) -> Organization:
    """Any member reads their organization's support contacts; its admins change them."""
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user, organization__code=code)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    if write and not membership.is_admin:
        raise PermissionDenied
    return membership.organization


def get_program_trend_for(user: User, code: str) -> Program:
    """A programme's aggregate well-being trend: for those who manage the programme."""
    return get_program_for(user, code, manage=True)
