"""Goals and action items: the mentee's action plan inside each mentorship."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.lib.safeguards import require_no_identifiers
from carementor.mentorships.models import (
    OPEN_PHASES,
    ActionItem,
    Goal,
    GoalProgress,
    GoalStatus,
    Meeting,
    Mentorship,
)
from carementor.mentorships.services import MentorshipError, _locked, _require_party
from carementor.notifications.services import notify

if TYPE_CHECKING:
    from carementor.accounts.models import User


def _require_open(mentorship: Mentorship) -> None:
    if mentorship.phase not in OPEN_PHASES:
        raise MentorshipError(_("This mentorship has ended; its plan is kept as it was."))


@dataclass(frozen=True)
class GoalData:
    title: str
    measure: str = ""
    why: str = ""
    target_date: date | None = None
    competencies: tuple[Any, ...] = ()


def goal_text(data: GoalData) -> str:
    """What the detector reads of a goal (and what the page highlights findings in)."""
    return "\n".join(part for part in (data.title, data.measure, data.why) if part)


def goal_create(
    *,
    mentorship: Mentorship,
    user: "User",
    data: GoalData,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> Goal:
    """Add a goal. Text that looks like it identifies a patient is refused with
    ``patient_identifiers`` until the author edits it or confirms it identifies nobody."""
    require_no_identifiers(goal_text(data), confirmed=confirm_no_identifiers, field="title")
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        _require_open(mentorship)
        goal = Goal.objects.create(
            mentorship=mentorship,
            title=data.title,
            measure=data.measure,
            why=data.why,
            target_date=data.target_date,
            created_by=user,
        )
        goal.competencies.set(data.competencies)
        GoalProgress.objects.create(goal=goal, progress=0, recorded_by=user)
        record(user, "goal.created", goal, organization=mentorship.organization)
    return goal


def goal_progress(
    *,
    goal: Goal,
    user: "User",
    progress: int,
    note: str = "",
    status: str = "",
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> Goal:
    """Record progress on a goal; a note that looks like it identifies a patient is refused
    with ``patient_identifiers`` until edited or confirmed, as for the goal itself."""
    if not 0 <= progress <= 100:
        raise MentorshipError(_("Progress is between 0 and 100%."), status=422, code="invalid")
    if status and status not in GoalStatus.values:
        raise MentorshipError(_("Unknown goal status."), status=422, code="invalid")
    require_no_identifiers(note, confirmed=confirm_no_identifiers, field="note")
    with transaction.atomic():
        mentorship = _locked(goal.mentorship)
        _require_party(mentorship, user)
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        goal.progress = progress
        if status:
            goal.status = status
        elif progress == 100:
            goal.status = GoalStatus.ACHIEVED
        goal.save(update_fields=["progress", "status"])
        GoalProgress.objects.create(goal=goal, progress=progress, note=note, recorded_by=user)
    return goal


def action_item_create(
    *,
    mentorship: Mentorship,
    user: "User",
    title: str,
    owner: Any,
    due_on: date | None = None,
    goal: Goal | None = None,
    meeting: Meeting | None = None,
    request: Any = None,
    confirm_no_identifiers: bool = False,
) -> ActionItem:
    title = " ".join(title.split())
    if not title:
        raise MentorshipError(_("Describe the action."), status=422, code="invalid")
    require_no_identifiers(title, confirmed=confirm_no_identifiers, field="title")
    with transaction.atomic():
        mentorship = _locked(mentorship)
        _require_party(mentorship, user)
        _require_open(mentorship)
        if not mentorship.has_party(owner):
            raise MentorshipError(
                _("The owner must be in this mentorship."), status=422, code="invalid"
            )
        if goal is not None and goal.mentorship_id != mentorship.pk:
            raise MentorshipError(_("Unknown goal."), status=422, code="invalid")
        item = ActionItem.objects.create(
            mentorship=mentorship,
            title=title,
            owner=owner,
            due_on=due_on,
            goal=goal,
            meeting=meeting,
            created_by=user,
        )
        if owner.pk != user.pk:
            notify(
                [owner],
                "action_item_assigned",
                target=mentorship,
                context={"title": title[:120], "due_on": due_on.isoformat() if due_on else ""},
                actor=user,
                organization=mentorship.organization,
            )
    return item


def action_item_set_done(
    *, item: ActionItem, user: "User", done: bool, request: Any = None
) -> ActionItem:
    with transaction.atomic():
        mentorship = _locked(item.mentorship)
        _require_party(mentorship, user)
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done_at"])
    return item
