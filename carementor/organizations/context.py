"""The organization a person is working in right now, kept in the session."""

from django.core.cache import cache
from django.http import HttpRequest

from carementor.organizations.models import Membership, Organization

SESSION_KEY = "current_organization"


def current_organization(request: HttpRequest) -> Organization | None:
    """The organization chosen with the switcher, else the person's first one, else None.

    A stale choice (membership removed since) silently falls back to the first organization.
    """
    cached = getattr(request, "_current_organization", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    organization = _find(request)
    request._current_organization = organization  # type: ignore[attr-defined]
    return organization


def _find(request: HttpRequest) -> Organization | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user).select_related("organization")
    code = request.session.get(SESSION_KEY)
    if code:
        chosen = memberships.filter(organization__code=code).first()
        if chosen is not None:
            request._current_membership = chosen  # type: ignore[attr-defined]
            return chosen.organization
        if user.is_staff:
            staff_choice = Organization.objects.filter(code=code).first()
            if staff_choice is not None:
                return staff_choice
    first = memberships.order_by("organization__name").first()
    request._current_membership = first  # type: ignore[attr-defined]
    return first.organization if first is not None else None


def current_membership(request: HttpRequest) -> Membership | None:
    """The person's membership in the current organization (None for staff visiting)."""
    organization = current_organization(request)
    if organization is None:
        return None
    membership = getattr(request, "_current_membership", None)
    if membership is not None and membership.organization_id == organization.pk:
        return membership
    if not request.user.is_authenticated:
        return None
    return Membership.objects.filter(user=request.user, organization=organization).first()


def set_current_organization(request: HttpRequest, organization: Organization) -> None:
    request.session[SESSION_KEY] = organization.code
    request._current_organization = organization  # type: ignore[attr-defined]
    request._current_membership = None  # type: ignore[attr-defined]


LAYOUT_SECONDS = 300


def _layout_key(user_id: int) -> str:
    return f"organizations:layout:{user_id}"


def layout_membership(request: HttpRequest) -> Membership | None:
    """`current_membership` for the navigation, cached per person and chosen organization
    (every membership change drops the entry; the gates never read this copy)."""
    key = _layout_key(int(request.user.pk or 0))
    chosen = request.session.get(SESSION_KEY, "")
    found: dict[str, Membership | None] = cache.get(key) or {}
    if chosen not in found:
        found[chosen] = current_membership(request)
        cache.set(key, found, LAYOUT_SECONDS)
    return found[chosen]


def forget_layout(sender: object, instance: Membership, **kwargs: object) -> None:
    cache.delete(_layout_key(instance.user_id))
