"""The access gates for profiles and declared conflicts, shared by pages and the API."""

from typing import TYPE_CHECKING

from django.http import Http404

from carementor.profiles.models import ConflictOfInterest, Profile

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_profile_for(user: "User", code: str, *, write: bool = False) -> Profile:
    """The profile with this code if the user may see it (or, with write, is its owner).

    Missing and not-visible profiles are the same 404, so a code reveals nothing.
    """
    profiles = Profile.objects.with_vocabulary()
    if write:
        profiles = profiles.filter(user_id=user.pk) if user.is_authenticated else profiles.none()
    else:
        profiles = profiles.visible_to(user)
    profile = profiles.filter(code=code).first()
    if profile is None:
        raise Http404
    return profile


def get_conflict_for(user: "User", code: str) -> ConflictOfInterest:
    """A conflict the user declared; everyone else's are as good as missing."""
    conflict = (
        ConflictOfInterest.objects.select_related("profile")
        .filter(code=code, profile__user_id=user.pk)
        .first()
    )
    if conflict is None:
        raise Http404
    return conflict
