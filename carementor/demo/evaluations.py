"""Demo evaluations: schedules, answered surveys with realistic change from baseline to
closure, relationship and safety surveys, mentor competency ratings, and Asha's own results.
Safe to run twice.

Rows are written directly (the mentorships demo does the same) so seeding e-mails nobody and
stays fast. Scores are simulated per person: a shared factor makes the three benefit areas
correlate, each item adds its own noise (Cronbach's alpha lands around 0.75-0.9), and closure
improves on baseline by roughly 0.3-0.8 standard deviations, differently per programme,
area and cohort. A small late cohort stays below the minimum group size, so the report shows
withheld cells too.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import rng_for, stable_code, stable_fraction
from carementor.evaluations.models import (
    Answer,
    HasResponded,
    Instrument,
    Item,
    Occasion,
    Response,
    Role,
    ScheduleEntry,
    SurveyAssignment,
)
from carementor.evaluations.scoring import score_answers, scored_value
from carementor.evaluations.services import cohort_label, default_schedule
from carementor.mentorships.models import Mentorship
from carementor.programs.models import Enrollment, Program

# Programme template -> improvement in SD units for practice, well-being, development.
EFFECTS = {
    "career-one-to-one": {"practice": 0.7, "wellbeing": 0.5, "development": 0.9},
    "digital-adoption": {"practice": 0.9, "wellbeing": 0.3, "development": 0.6},
    "peer-circles": {"practice": 0.4, "wellbeing": 0.8, "development": 0.6},
}
# The full set of surveys runs in the career programme; each organization's second programme
# (the NHS trust's digital coaching, the college's peer circles) gets the outcome survey only:
# enough to compare formats, and quick to seed.
FULL = "career-one-to-one"
SECOND = {
    "indus-ims": "digital-adoption",
    "pennine-nhs": "digital-adoption",
    "vembanad-nursing": "peer-circles",
}
SMALL_COHORT = 3
# The spread of people's true scores (0.6 shared factor, 0.3 own): effects are in its units.
PERSON_SD = 0.67
ITEM_SD = 0.55
ANSWERED: dict[str, float] = {
    Occasion.BASELINE: 0.95,
    Occasion.MIDPOINT: 0.85,
    Occasion.CLOSURE: 0.88,
}


@dataclass
class Person:
    user_id: int
    cohort: str
    started: datetime.datetime
    closes: datetime.datetime
    factor: float  # shared across areas: makes them correlate
    level: dict[str, float]
    gain: dict[str, float]


def seed_evaluations(*, organizations: dict[str, Any], seed: int) -> int:
    """Returns how many responses were created (0 on a second run)."""
    library = {
        i.slug: i for i in Instrument.objects.library().filter(version=1).prefetch_related("items")
    }
    if "mentee-outcomes" not in library:
        return 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    created = 0
    for slug, organization in organizations.items():
        templates = [FULL, SECOND.get(slug, "digital-adoption")]
        programs = Program.objects.filter(organization=organization, template__in=templates)
        for program in programs.order_by("pk"):
            if SurveyAssignment.objects.filter(program=program).exists():
                continue
            with transaction.atomic():
                created += _seed_program(program, slug, seed, library, now)
    return created


def _schedule(program: Program) -> None:
    entries = default_schedule()
    midpoint_outcomes = next((e for e in entries if e.instrument.slug == "mentee-outcomes"), None)
    rows = [
        ScheduleEntry(
            program=program,
            instrument=entry.instrument,
            occasion=entry.occasion,
            months_after=entry.months_after,
            role=entry.role,
            open_days=entry.open_days,
            reminder_days=entry.reminder_days,
        )
        for entry in entries
    ]
    if midpoint_outcomes is not None:
        rows.append(
            ScheduleEntry(
                program=program,
                instrument=midpoint_outcomes.instrument,
                occasion=Occasion.MIDPOINT,
                role=Role.MENTEE,
            )
        )
    ScheduleEntry.objects.bulk_create(rows, ignore_conflicts=True)


def _people(
    program: Program, rng: random.Random, now: datetime.datetime, effects: dict[str, float]
) -> list[Person]:
    mentees = list(
        Enrollment.objects.filter(
            program=program, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    people = []
    total = len(mentees)
    small_from = max(total - SMALL_COHORT, 0)
    quarter = _quarter_start(now)
    for index, user_id in enumerate(mentees):
        # Two full cohorts a year and three quarters ago, and a small recent one.
        if index >= small_from:
            quarters_back, extra, length = 2, -0.1, 120
        elif index < small_from / 2:
            quarters_back, extra, length = 4, 0.0, 180
        else:
            quarters_back, extra, length = 3, 0.2, 180
        started = _months_before(quarter, 3 * quarters_back) + timedelta(
            days=rng.randint(3, 50), hours=10
        )
        factor = rng.gauss(0, 1)
        people.append(
            Person(
                user_id=user_id,
                cohort=cohort_label(started),
                started=started,
                closes=min(started + timedelta(days=length), now - timedelta(days=5)),
                factor=factor,
                level={area: 3.0 + 0.6 * factor + rng.gauss(0, 0.3) for area in effects},
                gain={
                    area: (effect + extra) * PERSON_SD + rng.gauss(0, 0.2)
                    for area, effect in effects.items()
                },
            )
        )
    return people


def _quarter_start(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0)


def _months_before(when: datetime.datetime, months: int) -> datetime.datetime:
    index = when.year * 12 + when.month - 1 - months
    return when.replace(year=index // 12, month=index % 12 + 1)


def _answers(
    items: Sequence[Item], true_scores: dict[str, float], rng: random.Random
) -> dict[str, float]:
    """Raw item values around each domain's true score; reverse items answered reversed."""
    answers: dict[str, float] = {}
    for item in items:
        if not item.is_scored:
            continue
        centre = true_scores.get(item.domain, 3.5)
        value = min(item.points, max(1, round(centre + rng.gauss(0, ITEM_SD))))
        answers[item.key] = float(item.points + 1 - value if item.reverse else value)
    return answers


class _Batch:
    """Rows collected for one programme and written with one bulk insert per table."""

    def __init__(self, program: Program, slug: str) -> None:
        self.program = program
        self.slug = slug
        self.assignments: list[SurveyAssignment] = []
        self.responded: list[HasResponded] = []
        self.responses: list[Response] = []
        self.answers: list[Answer] = []

    def survey(
        self,
        *,
        instrument: Instrument,
        occasion: str,
        user_id: int,
        role: str,
        opens: datetime.datetime,
        answers: dict[str, float] | None,
        cohort: str,
        subject_id: int | None = None,
        mentorship: Mentorship | None = None,
        status: str = SurveyAssignment.Status.CLOSED,
    ) -> None:
        assignment = SurveyAssignment(
            code=stable_code(
                "demo-survey", self.slug, self.program.template, instrument.slug, occasion, user_id
            ),
            program=self.program,
            instrument=instrument,
            occasion=occasion,
            mentorship=mentorship,
            user_id=user_id,
            role=role,
            subject_id=subject_id,
            opens_at=opens,
            due_at=opens + timedelta(days=14),
            status=status,
        )
        self.assignments.append(assignment)
        if answers is None:
            return
        answered_on = (opens + timedelta(days=3)).date()
        self.responded.append(HasResponded(assignment=assignment, responded_on=answered_on))
        named = not instrument.is_anonymous
        response = Response(
            instrument=instrument,
            program=self.program,
            occasion=occasion,
            role=role,
            cohort=cohort,
            format=self.program.format,
            mentorship=mentorship if named else None,
            respondent_id=user_id if named else None,
            subject_id=subject_id,
            submitted_on=answered_on,
            scores=score_answers(instrument, answers),
        )
        self.responses.append(response)
        items = {item.key: item for item in instrument.items.all()}
        self.answers.extend(
            Answer(
                response=response,
                item=items[key],
                value=value,
                score=scored_value(items[key], value),
            )
            for key, value in answers.items()
        )

    def save(self) -> int:
        SurveyAssignment.objects.bulk_create(self.assignments)
        HasResponded.objects.bulk_create(self.responded)
        Response.objects.bulk_create(self.responses)
        Answer.objects.bulk_create(self.answers, batch_size=2000)
        return len(self.responses)


def _seed_program(
    program: Program,
    slug: str,
    seed: int,
    library: dict[str, Instrument],
    now: datetime.datetime,
) -> int:
    template = program.template
    rng = rng_for(seed, "demo-evaluations", slug, template)
    effects = EFFECTS[template]
    _schedule(program)
    people = _people(program, rng, now, effects)
    mentors = list(
        Enrollment.objects.filter(
            program=program, role=Enrollment.Role.MENTOR, status=Enrollment.Status.APPROVED
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    vikram = User.objects.filter(email="vikram@example.org").values_list("pk", flat=True).first()
    full = template == FULL
    if full and vikram is not None and slug == "indus-ims":
        mentors = [vikram, *[m for m in mentors if m != vikram]]
    batch = _Batch(program, slug)
    outcomes = library["mentee-outcomes"]
    relationship = library.get("relationship-quality")
    safety = library.get("psychological-safety")
    rating = library.get("mentor-competency-rating")
    self_rating = library.get("mentor-competency-self")
    outcome_items = list(outcomes.items.all())

    def answered(occasion: str, *key: object) -> bool:
        return stable_fraction(seed, slug, template, occasion, *key) < ANSWERED[occasion]

    for index, person in enumerate(people):
        closure = person.closes
        midpoint = person.started + timedelta(days=90)
        # In the career programme the small recent cohort has not reached closure yet; in the
        # second programme it has, and the report withholds it (and its complement).
        recent = index >= len(people) - SMALL_COHORT
        for occasion, opens, progress in (
            (Occasion.BASELINE, person.started, 0.0),
            (Occasion.CLOSURE, closure, 1.0),
        ):
            if occasion == Occasion.CLOSURE and recent and full:
                continue
            true = {a: person.level[a] + progress * person.gain[a] for a in effects}
            batch.survey(
                instrument=outcomes,
                occasion=occasion,
                user_id=person.user_id,
                role=Role.MENTEE,
                opens=opens,
                answers=_answers(outcome_items, true, rng)
                if answered(occasion, person.user_id)
                else None,
                cohort=person.cohort,
            )
        if not full:
            continue
        if relationship is not None and not recent:
            # Most relationships give support; challenge varies more (Daloz's quadrants).
            support = 3.6 + 0.3 * person.factor + rng.gauss(0, 0.55)
            challenge = 3.3 + rng.gauss(0, 0.7)
            batch.survey(
                instrument=relationship,
                occasion=Occasion.CLOSURE,
                user_id=person.user_id,
                role=Role.MENTEE,
                opens=closure,
                answers=_answers(
                    list(relationship.items.all()),
                    {"support": support, "challenge": challenge},
                    rng,
                )
                if answered(Occasion.CLOSURE, "relationship", person.user_id)
                else None,
                cohort=person.cohort,
            )
        if safety is not None:
            batch.survey(
                instrument=safety,
                occasion=Occasion.MIDPOINT,
                user_id=person.user_id,
                role=Role.MENTEE,
                opens=midpoint,
                answers=_answers(
                    list(safety.items.all()), {"safety": 3.8 + 0.3 * person.factor}, rng
                )
                if answered(Occasion.MIDPOINT, "safety", person.user_id)
                else None,
                cohort=person.cohort,
            )
        if rating is not None and mentors and not recent:
            mentor = mentors[0] if index < 8 else mentors[index % len(mentors)]
            strengths = {
                "communication": 4.2,
                "expectations": 3.9,
                "understanding": 3.6,
                "diversity": 3.8,
                "independence": 3.3,
                "professional_development": 4.1,
            }
            batch.survey(
                instrument=rating,
                occasion=Occasion.CLOSURE,
                user_id=person.user_id,
                role=Role.MENTEE,
                opens=closure,
                subject_id=mentor,
                # The first eight rate the first mentor (Vikram at Indus), and answer.
                answers=_answers(list(rating.items.all()), strengths, rng)
                if index < 8 or answered(Occasion.CLOSURE, "rating", person.user_id)
                else None,
                cohort=person.cohort,
            )
    if full and self_rating is not None:
        own = {
            "communication": 4.4,
            "expectations": 4.0,
            "understanding": 4.1,
            "diversity": 3.6,
            "independence": 3.9,
            "professional_development": 4.5,
        }
        for mentor in mentors[:4]:
            batch.survey(
                instrument=self_rating,
                occasion=Occasion.BASELINE,
                user_id=mentor,
                role=Role.MENTOR,
                opens=now - timedelta(days=300),
                answers=_answers(list(self_rating.items.all()), own, rng),
                cohort=cohort_label(now - timedelta(days=300)),
            )
    mentor_outcomes = library.get("mentor-outcomes")
    if full and mentor_outcomes is not None:
        _mentor_gains(batch, mentor_outcomes, mentors, effects, rng, now)
    if full and slug == "indus-ims":
        _asha(batch, outcomes, outcome_items, rng, now)
    return batch.save()


# What mentors report at baseline, before the gains of the programme's effects.
MENTOR_BASELINE = {"practice": 3.4, "wellbeing": 3.0, "development": 3.1}


def _mentor_gains(
    batch: _Batch,
    instrument: Instrument,
    mentors: list[int],
    effects: dict[str, float],
    rng: random.Random,
    now: datetime.datetime,
) -> None:
    """The mentor outcome survey at baseline and closure: mentors gain too, a little less
    than their mentees (the first mentor at Indus is Vikram, who sees his own page)."""
    items = list(instrument.items.all())
    for occasion, opens, gain in (
        (Occasion.BASELINE, now - timedelta(days=300), 0.0),
        (Occasion.CLOSURE, now - timedelta(days=30), 0.6),
    ):
        level = {area: base + gain * effects[area] for area, base in MENTOR_BASELINE.items()}
        for mentor in mentors[:8]:
            batch.survey(
                instrument=instrument,
                occasion=occasion,
                user_id=mentor,
                role=Role.MENTOR,
                opens=opens,
                answers=_answers(items, level, rng),
                cohort=cohort_label(now - timedelta(days=300)),
            )


def _asha(
    batch: _Batch,
    outcomes: Instrument,
    items: Sequence[Item],
    rng: random.Random,
    now: datetime.datetime,
) -> None:
    """Asha's own named answers in her mentorship with Vikram, and one survey still open."""
    asha = User.objects.filter(email="asha@example.org").first()
    mentorship = Mentorship.objects.filter(
        code=stable_code("demo-mentorship", "asha-vikram"), program=batch.program
    ).first()
    if asha is None or mentorship is None:
        return
    if any(a.user_id == asha.pk for a in batch.assignments):
        return
    started = mentorship.activated_at or now - timedelta(days=90)
    cohort = cohort_label(started)
    for occasion, opens, level in (
        (Occasion.BASELINE, started, {"practice": 3.0, "wellbeing": 2.6, "development": 2.8}),
        (
            Occasion.MIDPOINT,
            started + timedelta(days=45),
            {"practice": 3.5, "wellbeing": 3.0, "development": 3.7},
        ),
    ):
        batch.survey(
            instrument=outcomes,
            occasion=occasion,
            user_id=asha.pk,
            role=Role.MENTEE,
            opens=opens,
            answers=_answers(items, level, rng),
            cohort=cohort,
            mentorship=mentorship,
        )
    safety = Instrument.objects.library().filter(slug="psychological-safety", version=1).first()
    if safety is not None:
        batch.survey(
            instrument=safety,
            occasion=Occasion.MIDPOINT,
            user_id=asha.pk,
            role=Role.MENTEE,
            opens=now - timedelta(days=2),
            answers=None,
            cohort=cohort,
            mentorship=mentorship,
            status=SurveyAssignment.Status.OPEN,
        )
