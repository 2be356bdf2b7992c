"""Access gate for acting on a member's data rights, shared by the page and the API."""

from django.http import Http404

from carementor.accounts.models import User
from carementor.organizations.models import Membership
from carementor.organizations.permissions import get_access_for


def get_member_for(user: User, organization_code: str, user_code: str) -> Membership:
    """A member of the organization whose export or erasure an admin (or platform staff)
    carries out on the member's request. Everyone else, and non-members, get 404."""
    access = get_access_for(user, organization_code)
    if not access.can_admin:
        raise Http404
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=access.organization, user__code=user_code, user__is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return membership
