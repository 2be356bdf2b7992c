from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # a type only: lib imports no domain app at run time
    from carementor.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a real account."""

    user: "User"  # type: ignore[assignment]
