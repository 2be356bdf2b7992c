"""What each mentoring role means and how it behaves by default (the AMEE guide's
developmental network: mentor, coach, advisor, sponsor, peer).

One definition per `MentoringRole`: shown wherever a role is chosen or displayed, and the
defaults a new relationship of that role starts from — its agreement, cadence and duration,
the questions asked at closure, and which survey occasions apply.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carementor.profiles.models import MentoringRole

# Survey occasions (values of `evaluations.models.Occasion`, which sits above this app).
ALL_OCCASIONS = ("baseline", "midpoint", "closure", "pulse", "follow_up")


@dataclass(frozen=True)
class RoleDefinition:
    value: str
    definition: Promise
    mentor_title: Promise  # what the giving side is called in this relationship
    mentee_title: Promise  # and the receiving side
    goals: Promise  # the agreement's starting goals
    expectations: Promise  # the agreement's commitments, specific to the role
    cadence_days: int
    duration_months: int
    closure_questions: tuple[Promise, ...]
    survey_occasions: tuple[str, ...]
    reciprocal: bool = False

    @property
    def label(self) -> str:
        return str(MentoringRole(self.value).label)

    def duration_text(self) -> str:
        return str(_("%(n)d months")) % {"n": self.duration_months}

    def cadence_text(self) -> str:
        return str(_("At least every %(days)d days")) % {"days": self.cadence_days}

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "definition": str(self.definition),
            "mentor_title": str(self.mentor_title),
            "mentee_title": str(self.mentee_title),
            "reciprocal": self.reciprocal,
            "agreement_goals": str(self.goals),
            "agreement_expectations": str(self.expectations),
            "cadence_days": self.cadence_days,
            "duration_months": self.duration_months,
            "closure_questions": [str(q) for q in self.closure_questions],
            "survey_occasions": list(self.survey_occasions),
        }


ROLES: dict[str, RoleDefinition] = {
    MentoringRole.MENTOR.value: RoleDefinition(
        value=MentoringRole.MENTOR.value,
        definition=_(
            "A long-term, developmental relationship: a more experienced colleague supports "
            "the mentee's growth as a professional and a person, led by the mentee's agenda."
        ),
        mentor_title=_("Mentor"),
        mentee_title=_("Mentee"),
        goals=_("The mentee's development goals, agreed in the first meeting."),
        expectations=_(
            "The mentee sets the agenda and comes prepared; the mentor listens, shares "
            "experience and asks questions rather than giving orders. Both keep to the "
            "meetings they agree and say early if that becomes hard."
        ),
        cadence_days=30,
        duration_months=12,
        closure_questions=(
            _("Which of your development goals did you reach?"),
            _("What will you carry on doing on your own?"),
            _("Would you like to stay in touch, and how?"),
        ),
        survey_occasions=ALL_OCCASIONS,
    ),
    MentoringRole.COACH.value: RoleDefinition(
        value=MentoringRole.COACH.value,
        definition=_(
            "A time-limited contract of sessions towards specific, measurable goals; the "
            "coach helps the coachee find their own answers and track progress."
        ),
        mentor_title=_("Coach"),
        mentee_title=_("Coachee"),
        goals=_(
            "Two or three measurable goals, each with how progress is measured and by when "
            "(for example: lead three handovers on my own by the end of the second month)."
        ),
        expectations=_(
            "Coaching contract: a fixed number of sessions (six by default) every two weeks. "
            "Each session starts from the goals, reviews the measures and ends with the "
            "coachee's next actions. Cancelled sessions are rebooked within a week."
        ),
        cadence_days=14,
        duration_months=3,
        closure_questions=(
            _("For each goal: what does the measure show now, against the start?"),
            _("Which actions will you keep on after the last session?"),
            _("What would you change in the contract next time?"),
        ),
        survey_occasions=("baseline", "closure", "pulse"),
    ),
    MentoringRole.ADVISOR.value: RoleDefinition(
        value=MentoringRole.ADVISOR.value,
        definition=_(
            "Expert advice on a defined question (a research project, an examination, a "
            "career move); it ends when the question is answered."
        ),
        mentor_title=_("Advisor"),
        mentee_title=_("Advisee"),
        goals=_("The question to be answered, in one or two sentences."),
        expectations=_(
            "Scope of the advice: only the question written above. The advisee sends what "
            "the advisor needs before each meeting; the advisor answers within the agreed "
            "time and says when a question falls outside the scope or their expertise."
        ),
        cadence_days=45,
        duration_months=6,
        closure_questions=(
            _("Was the question in scope answered? What remains open?"),
            _("Who could help with what remains?"),
        ),
        survey_occasions=("baseline", "closure"),
    ),
    MentoringRole.SPONSOR.value: RoleDefinition(
        value=MentoringRole.SPONSOR.value,
        definition=_(
            "A senior colleague who uses their influence for the protégé: nominating them "
            "for opportunities, introducing them to people and speaking up for them where "
            "decisions are made."
        ),
        mentor_title=_("Sponsor"),
        mentee_title=_("Protégé"),
        goals=_("The opportunities the protégé is aiming for (roles, committees, awards)."),
        expectations=_(
            "Advocacy commitments: the sponsor nominates the protégé for at least one "
            "opportunity, makes at least two introductions to people who decide, and "
            "mentions the protégé's work where it counts. The protégé keeps the sponsor "
            "informed of their achievements and follows up every introduction."
        ),
        cadence_days=60,
        duration_months=12,
        closure_questions=(
            _("Which nominations and introductions were made, and what came of them?"),
            _("Which opportunities did the protégé take up?"),
            _("Which doors are still worth opening?"),
        ),
        survey_occasions=("baseline", "closure", "follow_up"),
    ),
    MentoringRole.PEER.value: RoleDefinition(
        value=MentoringRole.PEER.value,
        definition=_(
            "Reciprocal mentoring between colleagues at a similar stage: each supports the "
            "other, taking turns to bring a question."
        ),
        mentor_title=_("Peer"),
        mentee_title=_("Peer"),
        goals=_("Each peer's own goal for the relationship."),
        expectations=_(
            "Reciprocal: both of you bring a question in turn, both listen and both give "
            "feedback. Neither is the senior; either may lead a meeting."
        ),
        cadence_days=21,
        duration_months=6,
        closure_questions=(
            _("What did each of you learn from the other?"),
            _("Did the give and take feel balanced?"),
        ),
        survey_occasions=("baseline", "midpoint", "closure"),
        reciprocal=True,
    ),
}


def role_definition(value: str) -> RoleDefinition:
    """The definition of a role, the mentor role's for an unknown value."""
    return ROLES.get(value, ROLES[MentoringRole.MENTOR.value])


def role_choices_with_help() -> list[tuple[str, str, str]]:
    """(value, label, definition) for every role, in their order."""
    return [(r.value, r.label, str(r.definition)) for r in ROLES.values()]


def role_choices_defined() -> list[tuple[str, str]]:
    """Form choices for picking roles: each role's label with its definition, so whoever
    ticks a box knows what the role means."""
    return [(r.value, f"{r.label} — {r.definition}") for r in ROLES.values()]


def party_title(relationship_role: str, party_role: str) -> str:
    """What one side of a relationship is called: a sponsor's mentee is a protégé."""
    definition = role_definition(relationship_role)
    return str(definition.mentor_title if party_role == "mentor" else definition.mentee_title)


DEFAULT_LIMIT_PER_ROLE = 1


def limit_for(program: Any, role: str) -> int:
    """How many open relationships of ``role`` one mentee may hold at once in ``program``."""
    limits = getattr(program, "role_limits", None) or {}
    try:
        value = int(limits.get(role, DEFAULT_LIMIT_PER_ROLE))
    except (TypeError, ValueError):
        return DEFAULT_LIMIT_PER_ROLE
    return max(value, 1)


def cadence_for(program: Any, role: str) -> int:
    """Days between meetings: the programme's own cadence for its main role, else the role's."""
    roles = list(getattr(program, "roles", None) or ["mentor"])
    if role == roles[0]:
        return int(program.meeting_cadence_days)
    return role_definition(role).cadence_days


def agreement_defaults(program: Any, role: str) -> dict[str, str]:
    """The fields a new relationship's first agreement starts from: the role's own contract
    (goals, commitments, cadence, duration) under the programme's terms."""
    definition = role_definition(role)
    return {
        "goals": str(definition.goals),
        "expectations": str(definition.expectations),
        "meeting_frequency": str(_("At least every %(days)d days"))
        % {"days": cadence_for(program, role)},
        "duration": definition.duration_text(),
        "body": getattr(program, "agreement_template", "") or "",
    }
