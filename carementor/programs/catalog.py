"""Programme templates: sensible starting values a coordinator can adjust before publishing.

The digital-technology adoption template follows the scoping review in ../shared/seeds
(mentoring and coaching HCPs for digital-technology adoption, DOI 10.1177/20552076241238075):
programmes there taught EHRs, telehealth and informatics, often through peer and reverse
coaching where a junior, digitally fluent colleague coaches a senior one, and through
non-clinical coaches (informaticians, EHR specialists) — so mentors verify identity and
employment or a licence depending on profession.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carementor.programs.models import Focus, Format, MatchingMode, VerificationKind

AGREEMENT_BASE = _(
    "## Our mentoring agreement\n\n"
    "**Goals.** What the mentee wants to achieve in this programme, in their own words, "
    "reviewed at every meeting.\n\n"
    "**Expectations.** The mentee leads: proposes the agenda and follows up on action items. "
    "The mentor listens, asks, shares experience and gives honest feedback.\n\n"
    "**Meetings.** We meet about every {cadence} days, by the mode we agree, and tell each "
    "other early if we cannot make it.\n\n"
    "**Confidentiality.** What we discuss stays between us, with these limits: a risk to "
    "patient safety, a risk of harm to anyone, or a legal duty to report. In those cases we "
    "say so first, and involve the programme coordinator or the proper authority.\n\n"
    "**Ending.** Either of us may end the mentorship at any time, without blame, by telling "
    "the other and the coordinator."
)

AGREEMENT_DIGITAL = _(
    "## Our digital-technology coaching agreement\n\n"
    "**Goals.** The tools the coachee wants to master (for example the EHR, telehealth, an "
    'AI scribe) and what "good" will look like in their daily work.\n\n'
    "**Expectations.** Learning happens at the point of care: short, frequent sessions, "
    "practice between them. Either of us may be the more experienced one — in reverse "
    "coaching the junior colleague coaches the senior.\n\n"
    "**Meetings.** About every {cadence} days, in person at the workstation or by video.\n\n"
    "**Confidentiality.** We never share patient-identifiable information outside the "
    "clinical system. Our conversations stay between us, except for a risk to patient safety, "
    "a risk of harm, or a legal duty to report — which we would raise first with each other "
    "and then with the coordinator.\n\n"
    "**Ending.** Either of us may end the coaching at any time by telling the other and the "
    "coordinator."
)


@dataclass(frozen=True)
class ProgramTemplate:
    slug: str
    name: Promise
    description: Promise
    format: str
    focus: str
    matching_mode: str
    roles: list[str]
    verification_kind: str = VerificationKind.BY_PROFESSION
    default_mentor_capacity: int = 2
    circle_size: int = 6
    meeting_cadence_days: int = 30
    agreement: Promise = AGREEMENT_BASE
    competencies: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)

    def initial(self) -> dict[str, Any]:
        """Values for the programme form (and the API) when starting from this template."""
        return {
            "name": str(self.name),
            "summary": str(self.description),
            "format": self.format,
            "focus": self.focus,
            "matching_mode": self.matching_mode,
            "roles": list(self.roles),
            "verification_kind": self.verification_kind,
            "default_mentor_capacity": self.default_mentor_capacity,
            "circle_size": self.circle_size,
            "meeting_cadence_days": self.meeting_cadence_days,
            "agreement_template": str(self.agreement).replace(
                "{cadence}", str(self.meeting_cadence_days)
            ),
            "weights": dict(self.weights),
        }


TEMPLATES: dict[str, ProgramTemplate] = {
    t.slug: t
    for t in [
        ProgramTemplate(
            slug="career-one-to-one",
            name=_("Career mentoring (one-to-one)"),
            description=_(
                "A senior colleague mentors a trainee or early-career professional on career "
                "choices, applications and professional identity."
            ),
            format=Format.ONE_TO_ONE,
            focus=Focus.CAREER,
            matching_mode=MatchingMode.SELF,
            roles=["mentor", "sponsor", "advisor"],
            questions=[
                {"prompt": _("What do you most want from this programme?"), "kind": "text"},
            ],
        ),
        ProgramTemplate(
            slug="digital-adoption",
            name=_("Digital-technology adoption coaching"),
            description=_(
                "Coaching clinicians to adopt the EHR, telehealth and AI tools, with peer and "
                "reverse coaching: digitally fluent colleagues, informaticians and EHR "
                "specialists coach those who are learning, whatever their seniority."
            ),
            format=Format.REVERSE,
            focus=Focus.DIGITAL,
            matching_mode=MatchingMode.HYBRID,
            roles=["coach", "peer", "mentor"],
            verification_kind=VerificationKind.BY_PROFESSION,
            default_mentor_capacity=3,
            meeting_cadence_days=14,
            agreement=AGREEMENT_DIGITAL,
            competencies=[
                "ehr-use",
                "ehr-optimization",
                "telehealth",
                "ai-tools",
                "ai-scribes",
                "clinical-decision-support",
                "data-literacy",
                "teaching-digital-skills",
            ],
            # Competency growth matters most; career direction is reversed by the format.
            weights={"competency": 0.30, "specialty": 0.10, "goals": 0.15, "schedule": 0.15},
            questions=[
                {
                    "prompt": _("Which tools do you use every day at work?"),
                    "kind": "text",
                },
                {
                    "prompt": _("Are you willing to coach someone more senior than you?"),
                    "kind": "yes_no",
                    "for_role": "mentor",
                },
            ],
        ),
        ProgramTemplate(
            slug="peer-circles",
            name=_("Student peer-mentoring circles"),
            description=_(
                "Groups of students, each led by a senior student, meeting monthly through the "
                "academic year."
            ),
            format=Format.GROUP,
            focus=Focus.CAREER,
            matching_mode=MatchingMode.COORDINATOR,
            roles=["peer", "mentor"],
            verification_kind=VerificationKind.IDENTITY_EMPLOYMENT,
            default_mentor_capacity=6,
            circle_size=6,
        ),
        ProgramTemplate(
            slug="exam-peers",
            name=_("Peer exam preparation"),
            description=_("Residents at the same stage pair up to prepare for exams."),
            format=Format.PEER,
            focus=Focus.CLINICAL_SKILL,
            matching_mode=MatchingMode.COORDINATOR,
            roles=["peer"],
            default_mentor_capacity=1,
            meeting_cadence_days=7,
        ),
        ProgramTemplate(
            slug="near-peer-family",
            name=_("Near-peer families"),
            description=_("Faculty, a resident and a student form a family for the year."),
            format=Format.NEAR_PEER,
            focus=Focus.CAREER,
            matching_mode=MatchingMode.COORDINATOR,
            roles=["mentor"],
            default_mentor_capacity=2,
            circle_size=3,
        ),
        ProgramTemplate(
            slug="flash",
            name=_("Flash mentoring"),
            description=_("One conversation on one question; no agreement, no long commitment."),
            format=Format.FLASH,
            focus=Focus.CAREER,
            matching_mode=MatchingMode.SELF,
            roles=["mentor", "advisor"],
            default_mentor_capacity=5,
        ),
        ProgramTemplate(
            slug="speed-event",
            name=_("Speed-mentoring event"),
            description=_(
                "Short rotating conversations at an event; those who want to continue become "
                "mentorships."
            ),
            format=Format.SPEED,
            focus=Focus.CAREER,
            matching_mode=MatchingMode.COORDINATOR,
            roles=["mentor"],
        ),
        ProgramTemplate(
            slug="leadership-network",
            name=_("Leadership developmental network"),
            description=_(
                "A mentee builds a network: a mentor, a coach, an advisor and a sponsor."
            ),
            format=Format.NETWORK,
            focus=Focus.LEADERSHIP,
            matching_mode=MatchingMode.SELF,
            roles=["mentor", "coach", "advisor", "sponsor"],
        ),
        ProgramTemplate(
            slug="wellbeing-e-mentoring",
            name=_("Well-being e-mentoring"),
            description=_("Remote mentoring on well-being and resilience for shift workers."),
            format=Format.E_MENTORING,
            focus=Focus.WELLBEING,
            matching_mode=MatchingMode.SELF,
            roles=["mentor", "peer"],
        ),
    ]
}


def get_template(slug: str) -> ProgramTemplate | None:
    return TEMPLATES.get(slug)
