"""Access gates for certificates, CPD entries and certificate settings.

A certificate is visible to its holder and to those who manage its programme; anyone else
gets 404, as if it did not exist. The public verification page does not use these gates: it
shows only what the certificate itself says.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.certificates.models import Certificate, CpdEntry
from carementor.organizations.models import Organization, Role
from carementor.organizations.permissions import get_organization_for
from carementor.programs.permissions import can_manage

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_certificate_for(user: "User", code: str, *, manage: bool = False) -> Certificate:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    certificate = (
        Certificate.objects.select_related("program__organization", "organization", "holder")
        .filter(code=code)
        .first()
    )
    if certificate is None:
        raise Http404
    manager = can_manage(user, certificate.program)
    if certificate.holder_id != user.pk and not manager:
        raise Http404
    if manage and not manager:
        raise PermissionDenied
    return certificate


def get_cpd_entry_for(user: "User", code: str) -> CpdEntry:
    """A CPD log is private to its owner."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    entry = CpdEntry.objects.filter(code=code, user=user).first()
    if entry is None:
        raise Http404
    return entry


def get_settings_organization_for(user: "User", code: str) -> Organization:
    """The organization whose certificate settings ``user`` may change (admins, coordinators)."""
    return get_organization_for(user, code, role=(Role.ADMIN, Role.COORDINATOR))
