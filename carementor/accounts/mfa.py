from typing import Any


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
    cached = getattr(user, "_privileged_without_mfa", None)
    if cached is None:
        cached = is_privileged(user) and not user.has_mfa()
        user._privileged_without_mfa = cached
    return bool(cached)
