"""Access gate for logbook entries: the person who logged it and the observer they asked.
Everyone else gets 404."""

from django.http import Http404

from carementor.accounts.models import User
from carementor.logbooks.models import LogEntry, Requirement
from carementor.programs.models import Program
from carementor.programs.permissions import get_program_for


def get_entry_for(user: User, code: str, *, as_observer: bool = False) -> LogEntry:
    entry = (
        LogEntry.objects.select_related("user", "observer", "competency").filter(code=code).first()
        if user.is_authenticated
        else None
    )
    if entry is None:
        raise Http404
    if as_observer:
        allowed = entry.observer_id == user.pk
    else:
        allowed = user.pk in (entry.user_id, entry.observer_id)
    if not allowed:
        raise Http404
    return entry


def get_requirements_program_for(user: User, code: str) -> Program:
    """A programme's logbook rules: for those who manage it (others 403, strangers 404)."""
    return get_program_for(user, code, manage=True)


def get_requirement_for(user: User, program: Program, code: str) -> Requirement:
    requirement = (
        Requirement.objects.select_related("program__organization", "competency")
        .filter(program=program, code=code)
        .first()
    )
    if requirement is None:
        raise Http404
    return requirement
