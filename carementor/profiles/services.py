from typing import Any

from carementor.profiles.models import Profile


def profile_for(user: Any) -> Profile:
    """The person's own profile, created empty on first use."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile
