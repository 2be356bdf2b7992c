"""Who must use two-factor authentication, and which addresses they may reach before they do."""

from typing import Any

from carementor.accounts.facts import cached_fact

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
    from carementor.organizations.roles import organization_roles

    return any(role.is_privileged for role in organization_roles(user))


def has_mfa(user: Any) -> bool:
    """``user.has_mfa()``, cached under the person's access stamp (accounts.facts): adding or
    removing an authenticator replaces the stamp."""
    return cached_fact(user, "has_mfa", user.has_mfa)


def privileged_without_mfa(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # Both facts are cached per person and stamp, so most requests ask the database nothing.
    return is_privileged(user) and not has_mfa(user)


# Set by single sign-on (carementor.sso) when the organization's identity provider asserted
# that this sign-in used several factors (OIDC ``amr``, SAML ``AuthnContextClassRef``). It
# holds the person's id, so it can never vouch for someone else signing in later in this
# browser session; signing out flushes it with the rest of the session.
IDP_MFA_SESSION_KEY = "idp_asserted_mfa"


def idp_asserted_mfa(request: Any, user: Any = None) -> bool:
    """Whether the identity provider already did the second factor for this session's sign-in."""
    user = user if user is not None else getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None or user is None or not getattr(user, "pk", None):
        return False
    return bool(session.get(IDP_MFA_SESSION_KEY) == str(user.pk))


def mfa_exempt_path(path: str) -> bool:
    return (
        path.startswith(MFA_EXEMPT_PREFIXES)
        or path in MFA_EXEMPT_PATHS
        or path in MFA_EXEMPT_API_PATHS
    )
