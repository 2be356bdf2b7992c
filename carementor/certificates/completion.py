"""Reading completion: who takes part in a programme as what, and their checklist.

Nothing here writes. Mentorship facts (agreement, meetings, goals, closure) are counted over
every mentorship of the programme in which the person holds the role; learning and the
closure survey are asked of the learning and evaluations apps.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carementor.certificates.models import CompletionRule, Role
from carementor.mentorships.models import (
    ENDED_PHASES,
    Agreement,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Phase,
)
from carementor.programs.models import Enrollment, Program


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    done: bool
    progress: str = ""
    remaining: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    program: Program
    role: str
    rule: CompletionRule | None
    items: tuple[Requirement, ...] = ()
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    mentorships: tuple[Mentorship, ...] = field(default=(), repr=False)

    @property
    def has_rule(self) -> bool:
        return self.rule is not None

    @property
    def complete(self) -> bool:
        return self.rule is not None and all(item.done for item in self.items)

    @property
    def remaining(self) -> list[Requirement]:
        return [item for item in self.items if not item.done]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def heading(self) -> str:
        return _("As a mentor") if self.role == Role.MENTOR else _("As a mentee")


def participant_roles(user: Any, program: Program) -> list[str]:
    """The roles in which ``user`` takes part: from live or ended mentorships of the
    programme and from an approved enrolment. Mentee first."""
    roles = set(
        MentorshipParty.objects.filter(user=user, mentorship__program=program)
        .exclude(mentorship__phase=Phase.PROPOSED)
        .values_list("role", flat=True)
    )
    enrollment = (
        Enrollment.objects.filter(user=user, program=program, status=Enrollment.Status.APPROVED)
        .only("role")
        .first()
    )
    if enrollment is not None:
        if enrollment.is_mentee:
            roles.add(Role.MENTEE)
        if enrollment.is_mentor:
            roles.add(Role.MENTOR)
    return [role for role in (Role.MENTEE, Role.MENTOR) if role in roles]


def programs_of(user: Any) -> "list[Program]":
    """Programmes in which a person takes part (mentorship party or approved enrolment)."""
    via_mentorships = MentorshipParty.objects.filter(user=user).values("mentorship__program_id")
    via_enrollment = Enrollment.objects.filter(user=user, status=Enrollment.Status.APPROVED).values(
        "program_id"
    )
    return list(
        Program.objects.filter(Q(pk__in=via_mentorships) | Q(pk__in=via_enrollment))
        .select_related("organization")
        .order_by("-starts_on", "name")
    )


def _count(n: int, of: int) -> str:
    return _("%(n)s of %(of)s") % {"n": min(n, of), "of": of}


def checklist(user: Any, program: Program, role: str) -> Checklist:
    """``user``'s checklist for ``role`` in ``program``, under the programme's rule."""
    rule = CompletionRule.objects.filter(program=program, role=role).first()
    return checklist_under(user, program, role, rule)


def checklist_under(
    user: Any, program: Program, role: str, rule: CompletionRule | None
) -> Checklist:
    """The checklist under an already loaded ``rule`` (None: the programme has none)."""
    mentorships = tuple(
        Mentorship.objects.filter(
            program=program, parties__user=user, parties__role=role
        ).distinct()
    )
    started = [m.activated_at or m.created_at for m in mentorships if m.phase != Phase.PROPOSED]
    started_on = timezone.localdate(min(started)) if started else None
    if rule is None:
        return Checklist(program, role, None, (), started_on, None, mentorships)

    ids = [m.pk for m in mentorships]
    items: list[Requirement] = []
    if rule.agreement_signed:
        signed = Agreement.objects.filter(mentorship_id__in=ids, effective_at__isnull=False)
        items.append(
            Requirement("agreement_signed", _("Sign the mentoring agreement"), signed.exists())
        )
    if rule.meetings_held:
        held = Meeting.objects.filter(mentorship_id__in=ids, status=MeetingStatus.HELD).count()
        items.append(
            Requirement(
                "meetings_held",
                ngettext(
                    "Hold at least %(n)s meeting",
                    "Hold at least %(n)s meetings",
                    rule.meetings_held,
                )
                % {"n": rule.meetings_held},
                held >= rule.meetings_held,
                _count(held, rule.meetings_held),
            )
        )
    if rule.goals_achieved or rule.all_goals_achieved:
        goals = list(
            Goal.objects.filter(mentorship_id__in=ids)
            .exclude(status=GoalStatus.DROPPED)
            .values_list("title", "status")
        )
        achieved = sum(1 for _title, status in goals if status == GoalStatus.ACHIEVED)
        open_titles = tuple(title for title, status in goals if status != GoalStatus.ACHIEVED)
        if rule.goals_achieved:
            items.append(
                Requirement(
                    "goals_achieved",
                    ngettext(
                        "Achieve at least %(n)s action-plan goal",
                        "Achieve at least %(n)s action-plan goals",
                        rule.goals_achieved,
                    )
                    % {"n": rule.goals_achieved},
                    achieved >= rule.goals_achieved,
                    _count(achieved, rule.goals_achieved),
                    open_titles if achieved < rule.goals_achieved else (),
                )
            )
        if rule.all_goals_achieved:
            items.append(
                Requirement(
                    "all_goals_achieved",
                    _("Achieve every goal in your action plan"),
                    bool(goals) and not open_titles,
                    _count(achieved, len(goals)) if goals else _("No goals set yet"),
                    open_titles,
                )
            )
    if rule.modules_completed or rule.quizzes_passed:
        from carementor.learning.services import learning_status

        status = learning_status(user=user, program=program, role=role)
        if rule.modules_completed:
            todo = tuple(
                title
                for code, title in status.modules_required
                if code not in status.modules_completed
            )
            total = len(status.modules_required)
            items.append(
                Requirement(
                    "modules_completed",
                    _("Complete the required learning modules"),
                    not todo,
                    _count(total - len(todo), total) if total else _("None required"),
                    todo,
                )
            )
        if rule.quizzes_passed:
            todo = tuple(
                title
                for code, title in status.quizzes_required
                if code not in status.quizzes_passed
            )
            total = len(status.quizzes_required)
            items.append(
                Requirement(
                    "quizzes_passed",
                    _("Pass the required tests"),
                    not todo,
                    _count(total - len(todo), total) if total else _("None required"),
                    todo,
                )
            )
    if rule.closure_survey:
        from carementor.evaluations.services import has_answered

        items.append(
            Requirement(
                "closure_survey",
                _("Answer the closure survey"),
                has_answered(user=user, program=program, occasion="closure"),
            )
        )
    ended = [m for m in mentorships if m.phase in ENDED_PHASES and m.closed_at]
    if rule.mentorship_ended:
        items.append(
            Requirement("mentorship_ended", _("Close your mentorship with an outcome"), bool(ended))
        )
    completed_on = None
    if all(item.done for item in items):
        # Mentorship facts date themselves: completion is the last closure. Learning and
        # surveys may come after it, and we only see that they are done now.
        later_steps = rule.modules_completed or rule.quizzes_passed or rule.closure_survey
        if ended and not later_steps:
            completed_on = timezone.localdate(max(m.closed_at for m in ended if m.closed_at))
        else:
            completed_on = timezone.localdate()
        if started_on is None or started_on > completed_on:
            started_on = completed_on
    return Checklist(program, role, rule, tuple(items), started_on, completed_on, mentorships)


def checklists_for(user: Any, program: Program) -> list[Checklist]:
    rules = {r.role: r for r in CompletionRule.objects.filter(program=program)}
    return [
        checklist_under(user, program, role, rules.get(role))
        for role in participant_roles(user, program)
    ]
