"""Access gate for match requests: the two people in it, and the programme's coordinators."""

from typing import Any

from django.http import Http404

from carementor.matching.models import MatchRequest
from carementor.programs.permissions import can_manage


def get_request_for(user: Any, code: str) -> MatchRequest:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    match_request = (
        MatchRequest.objects.select_related(
            "program__organization", "mentee__profile", "mentor__profile"
        )
        .filter(code=code)
        .first()
    )
    if match_request is None:
        raise Http404
    if user.pk in (match_request.mentee_id, match_request.mentor_id):
        return match_request
    if can_manage(user, match_request.program):
        return match_request
    raise Http404
