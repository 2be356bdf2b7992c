"""Access gates for mentorships. Missing and not-yours are the same 404.

Parties see everything the relationship holds except other people's private notes.
Coordinators and admins of the program's organization see only its shape (phase, health,
counts) through ``get_mentorship_for``; every page or operation that shows notes, messages,
agenda text or the agreement's words uses ``as_party=True``.
"""

from typing import TYPE_CHECKING

from django.http import Http404

from carementor.mentorships.models import Mentorship
from carementor.mentorships.services import is_overseer

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_mentorship_for(user: "User", code: str, *, as_party: bool = False) -> Mentorship:
    mentorship = (
        Mentorship.objects.filter(code=code)
        .select_related("program", "organization")
        .prefetch_related("parties__user")
        .first()
    )
    if mentorship is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if mentorship.has_party(user):
        return mentorship
    if not as_party and is_overseer(user, mentorship.organization):
        return mentorship
    raise Http404
