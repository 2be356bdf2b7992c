"""Access gates for match requests (the two people in it and the programme's coordinators)
and for match runs (the programme's coordinators)."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.matching.models import MatchRequest, MatchRun, SpeedEvent
from carementor.programs.permissions import can_manage, get_program_for

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_request_for(user: "User", code: str) -> MatchRequest:
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


def get_run_for(user: "User", program_code: str, run_code: str) -> MatchRun:
    """A match run of a programme the person manages (404 for strangers, 403 for members)."""
    program = get_program_for(user, program_code, manage=True)
    run = (
        MatchRun.objects.select_related("program__organization", "created_by")
        .filter(program=program, code=run_code)
        .first()
    )
    if run is None:
        raise Http404
    return run


def get_event_for(
    user: "User", program_code: str, event_code: str, *, manage: bool = False
) -> tuple[SpeedEvent, bool]:
    """A speed event and whether the person manages it. Participants (approved enrolments)
    and the programme's coordinators see it; anyone else gets 404, a participant asking to
    manage gets 403."""
    program = get_program_for(user, program_code)
    event = (
        SpeedEvent.objects.select_related("program__organization")
        .filter(program=program, code=event_code)
        .first()
    )
    if event is None:
        raise Http404
    manager = can_manage(user, program)
    if not manager and not program.enrollments.approved().filter(user=user).exists():
        raise Http404
    if manage and not manager:
        raise PermissionDenied
    return event, manager
