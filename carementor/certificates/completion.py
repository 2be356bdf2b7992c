"""Reading completion: who takes part in a programme as what, and their checklist.

Nothing here writes. Mentorship facts (agreement, meetings, goals, closure) are counted over
every mentorship of the programme in which the person holds the role; learning and the
closure survey are asked of the learning and evaluations apps.
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from carementor.accounts.models import User


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


def participant_roles(user: "User", program: Program) -> list[str]:
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


def programs_of(user: "User") -> "list[Program]":
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


def checklist(user: "User", program: Program, role: str) -> Checklist:
    """``user``'s checklist for ``role`` in ``program``, under the programme's rule."""
    rule = CompletionRule.objects.filter(program=program, role=role).first()
    return checklist_under(user, program, role, rule)


@dataclass
class Facts:
    """What completion is judged on, for one person in one role. Gathered either for one
    person (`_facts`) or for a page of participants at once (`overview`)."""

    mentorships: list[Mentorship] = field(default_factory=list)
    signed: bool = False
    held: int = 0
    goals: list[tuple[str, str]] = field(default_factory=list)  # (title, status), not dropped
    modules_required: list[tuple[str, str]] = field(default_factory=list)
    modules_completed: set[str] = field(default_factory=set)
    quizzes_required: list[tuple[str, str]] = field(default_factory=list)
    quizzes_passed: set[str] = field(default_factory=set)
    survey_answered: bool = False
    # The programme's logbook rules for a mentee: (competency, signed off, needed).
    logbook: list[tuple[str, int, int]] = field(default_factory=list)


def checklist_under(
    user: "User", program: Program, role: str, rule: CompletionRule | None
) -> Checklist:
    """The checklist under an already loaded ``rule`` (None: the programme has none)."""
    return evaluate(program, role, rule, _facts(user, program, role, rule))


def _facts(user: "User", program: Program, role: str, rule: CompletionRule | None) -> Facts:
    facts = Facts(
        mentorships=list(
            Mentorship.objects.filter(
                program=program, parties__user=user, parties__role=role
            ).distinct()
        )
    )
    if rule is None:
        return facts
    ids = [m.pk for m in facts.mentorships]
    if rule.agreement_signed:
        facts.signed = Agreement.objects.filter(
            mentorship_id__in=ids, effective_at__isnull=False
        ).exists()
    if rule.meetings_held:
        facts.held = Meeting.objects.filter(
            mentorship_id__in=ids, status=MeetingStatus.HELD
        ).count()
    if rule.goals_achieved or rule.all_goals_achieved:
        facts.goals = list(
            Goal.objects.filter(mentorship_id__in=ids)
            .exclude(status=GoalStatus.DROPPED)
            .values_list("title", "status")
        )
    if rule.modules_completed or rule.quizzes_passed:
        from carementor.learning.services import learning_status

        status = learning_status(user=user, program=program, role=role)
        facts.modules_required = list(status.modules_required)
        facts.modules_completed = set(status.modules_completed)
        facts.quizzes_required = list(status.quizzes_required)
        facts.quizzes_passed = set(status.quizzes_passed)
    if rule.closure_survey:
        from carementor.evaluations.services import has_answered

        facts.survey_answered = has_answered(user=user, program=program, occasion="closure")
    if role == Role.MENTEE:
        from carementor.logbooks.services import signed_against_requirements

        facts.logbook = signed_against_requirements(program, [user.pk]).get(user.pk, [])
    return facts


def _learning_item(
    key: str, label: str, required: list[tuple[str, str]], done: set[str]
) -> Requirement:
    todo = tuple(title for code, title in required if code not in done)
    total = len(required)
    return Requirement(
        key,
        label,
        not todo,
        _count(total - len(todo), total) if total else _("None required"),
        todo,
    )


def evaluate(program: Program, role: str, rule: CompletionRule | None, facts: Facts) -> Checklist:
    """The rule applied to the facts: pure, no queries."""
    mentorships = tuple(facts.mentorships)
    started = [m.activated_at or m.created_at for m in mentorships if m.phase != Phase.PROPOSED]
    started_on = timezone.localdate(min(started)) if started else None
    if rule is None:
        return Checklist(program, role, None, (), started_on, None, mentorships)
    items: list[Requirement] = []
    if rule.agreement_signed:
        items.append(
            Requirement("agreement_signed", _("Sign the mentoring agreement"), facts.signed)
        )
    if rule.meetings_held:
        items.append(
            Requirement(
                "meetings_held",
                ngettext(
                    "Hold at least %(n)s meeting",
                    "Hold at least %(n)s meetings",
                    rule.meetings_held,
                )
                % {"n": rule.meetings_held},
                facts.held >= rule.meetings_held,
                _count(facts.held, rule.meetings_held),
            )
        )
    goals = facts.goals
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
    if rule.modules_completed:
        items.append(
            _learning_item(
                "modules_completed",
                _("Complete the required learning modules"),
                facts.modules_required,
                facts.modules_completed,
            )
        )
    if rule.quizzes_passed:
        items.append(
            _learning_item(
                "quizzes_passed",
                _("Pass the required tests"),
                facts.quizzes_required,
                facts.quizzes_passed,
            )
        )
    if rule.closure_survey:
        items.append(
            Requirement("closure_survey", _("Answer the closure survey"), facts.survey_answered)
        )
    if facts.logbook:
        # A programme's logbook rules (N signed-off entries per competency) count towards
        # completion whenever it has a completion rule for mentees.
        items.append(
            Requirement(
                "logbook_signed",
                _("Get the logbook entries the programme asks for signed off"),
                all(signed >= needed for _name, signed, needed in facts.logbook),
                _count(
                    sum(min(signed, needed) for _name, signed, needed in facts.logbook),
                    sum(needed for _name, _signed, needed in facts.logbook),
                ),
                tuple(
                    _("%(name)s: %(signed)s of %(needed)s signed off")
                    % {"name": name, "signed": signed, "needed": needed}
                    for name, signed, needed in facts.logbook
                    if signed < needed
                ),
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
        later_steps = (
            rule.modules_completed or rule.quizzes_passed or rule.closure_survey or facts.logbook
        )
        if ended and not later_steps:
            completed_on = timezone.localdate(max(m.closed_at for m in ended if m.closed_at))
        else:
            completed_on = timezone.localdate()
        if started_on is None or started_on > completed_on:
            started_on = completed_on
    return Checklist(program, role, rule, tuple(items), started_on, completed_on, mentorships)


def checklists_for(user: "User", program: Program) -> list[Checklist]:
    rules = {r.role: r for r in CompletionRule.objects.filter(program=program)}
    return [
        checklist_under(user, program, role, rules.get(role))
        for role in participant_roles(user, program)
    ]
