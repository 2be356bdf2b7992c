"""Access gate for an organization's single sign-on: its admins (and platform staff) only."""

from typing import Any

from carementor.organizations.models import Role
from carementor.organizations.permissions import Access, get_access_for


def get_sso_access_for(user: Any, code: str) -> Access:
    """The organization ``code`` for someone who may set up its single sign-on."""
    return get_access_for(user, code, role=Role.ADMIN)
