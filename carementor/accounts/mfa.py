"""Who must use two-factor authentication, and which addresses they may reach before they do."""

from typing import Any

# Pages a privileged person without MFA may still open: the allauth pages where they enrol
# (and sign out), the page that explains why, language switching, static files and health.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/", "/i18n/")
MFA_EXEMPT_PATHS = frozenset({"/security/mfa-required/"})
# API operations they may still call: reading and editing their own account.
MFA_EXEMPT_API_PATHS = frozenset({"/api/v1/me"})


def is_privileged(user: Any) -> bool:
    """Platform staff and holders of a privileged organization role."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    from carementor.organizations.models import Membership

    return Membership.objects.filter(user=user).privileged().exists()


def privileged_without_mfa(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # Cached on the user object, so one request asks the database at most once.
    cached = getattr(user, "_privileged_without_mfa", None)
    if cached is None:
        cached = is_privileged(user) and not user.has_mfa()
        user._privileged_without_mfa = cached
    return bool(cached)


def mfa_exempt_path(path: str) -> bool:
    return (
        path.startswith(MFA_EXEMPT_PREFIXES)
        or path in MFA_EXEMPT_PATHS
        or path in MFA_EXEMPT_API_PATHS
    )
