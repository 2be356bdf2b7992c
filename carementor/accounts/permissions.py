from django.http import Http404

from carementor.accounts.models import PersonalAccessToken, User


def get_token_for(user: User, code: str, *, write: bool = False) -> PersonalAccessToken:
    """A person's own API token; anyone else's is indistinguishable from a missing one."""
    try:
        return PersonalAccessToken.objects.get(user=user, code=code)
    except PersonalAccessToken.DoesNotExist:
        raise Http404 from None
