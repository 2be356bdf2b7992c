"""Analytics under the anonymity threshold: suppression, pairing, filters, quadrants, queries.

``answered`` below is the test-data helper the other report tests import: it writes one
answered survey the way ``response_submit`` would, without the schedule around it.
"""

import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.demo.evaluations import _Batch
from carementor.evaluations import analytics
from carementor.evaluations.models import EvaluationSettings, Instrument, Response
from carementor.mentorships.tests.helpers import make_program

DAY = datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)


def library(slug: str) -> Instrument:
    return Instrument.objects.library().prefetch_related("items").get(slug=slug, version=1)


def values(instrument: Instrument, scores: dict[str, float]) -> dict[str, float]:
    """Every scored item answered at its domain's score; reverse items answered reversed."""
    answers = {}
    for item in instrument.items.all():
        if item.is_scored and item.domain in scores:
            value = scores[item.domain]
            answers[item.key] = float(item.points + 1 - value if item.reverse else value)
    return answers


def answered(
    program: Any,
    instrument: Instrument,
    occasion: str,
    user: Any,
    scores: dict[str, float],
    *,
    cohort: str = "2026-Q1",
    opens: datetime.datetime = DAY,
    subject: Any = None,
    role: str = "mentee",
) -> None:
    batch = _Batch(program, "test")
    batch.survey(
        instrument=instrument,
        occasion=occasion,
        user_id=user.pk,
        role=role,
        opens=opens,
        answers=values(instrument, scores),
        cohort=cohort,
        subject_id=subject.pk if subject else None,
    )
    batch.save()


def people(n: int, prefix: str = "p") -> list[Any]:
    from carementor.lib.testing import make_user

    return [make_user(f"{prefix}{i}@example.org", full_name=f"Person {i}") for i in range(n)]


def outcomes_for(program: Any, users: list[Any], *, cohort: str = "2026-Q1", gain: float = 1.0):
    instrument = library("mentee-outcomes")
    for n, user in enumerate(users):
        base = 2.0 + (n % 3) * 0.5  # spread, so intervals and alpha exist
        answered(
            program,
            instrument,
            "baseline",
            user,
            {"practice": base, "wellbeing": base, "development": base},
            cohort=cohort,
        )
        after = min(5.0, base + gain + (n % 2) * 0.5)
        answered(
            program,
            instrument,
            "closure",
            user,
            {"practice": after, "wellbeing": after, "development": after},
            cohort=cohort,
            opens=DAY + datetime.timedelta(days=150),
        )
    return instrument


# --- withheld_cells ---------------------------------------------------------------------------


def test_small_cells_are_withheld_with_a_complement_when_alone():
    assert analytics.withheld_cells({"a": 20, "b": 8, "c": 3}, 5) == {"b", "c"}
    assert analytics.withheld_cells({"a": 20, "b": 8, "c": 3, "d": 4}, 5) == {"c", "d"}
    assert analytics.withheld_cells({"a": 20, "b": 0}, 5) == set()
    assert analytics.withheld_cells({"a": 6, "b": 5}, 5) == set()


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 30), max_size=8),
    st.integers(3, 10),
)
def test_withheld_cells_never_leave_a_small_group_to_subtraction(sizes, threshold):
    withheld = analytics.withheld_cells(sizes, threshold)
    assert all(sizes[k] >= threshold for k in sizes if k not in withheld and sizes[k] > 0)
    hidden = sum(sizes[k] for k in withheld)
    assert (
        not withheld or hidden >= threshold or len(withheld) == sum(1 for n in sizes.values() if n)
    )


def test_quadrants_follow_daloz_and_the_midpoint_counts_as_low():
    assert analytics.quadrant_of(4.0, 4.0) == "growth"
    assert analytics.quadrant_of(2.0, 4.0) == "retreat"
    assert analytics.quadrant_of(4.0, 2.0) == "confirmation"
    assert analytics.quadrant_of(3.0, 3.0) == "stasis"


# --- Programme analytics ----------------------------------------------------------------------


@pytest.mark.django_db
def test_named_outcomes_are_paired_by_person(hospital):
    program = make_program(hospital)
    outcomes_for(program, people(6))
    block = analytics.program_analytics(program).outcomes[0]
    assert not block.withheld and block.named and block.n == 6
    practice = next(d for d in block.domains if d.key == "practice")
    assert practice.change.design == "paired"
    assert practice.change.n_before == 6
    assert practice.change.difference == pytest.approx(1.25)
    assert practice.change.effect_label == "d_av"
    assert practice.reliability_after is not None


@pytest.mark.django_db
def test_below_the_threshold_nothing_is_shown(hospital):
    program = make_program(hospital)
    outcomes_for(program, people(4))
    found = analytics.program_analytics(program)
    block = found.outcomes[0]
    assert block.withheld and block.domains == [] and block.total is None
    assert block.correlations is None


@pytest.mark.django_db
def test_the_programme_setting_raises_the_threshold(hospital):
    program = make_program(hospital)
    EvaluationSettings.objects.create(program=program, min_group_size=8)
    outcomes_for(program, people(6))
    assert analytics.program_analytics(program).outcomes[0].withheld
    EvaluationSettings.objects.filter(program=program).update(min_group_size=3)
    found = analytics.program_analytics(program)
    assert found.threshold == 3 and not found.outcomes[0].withheld


@pytest.mark.django_db
def test_a_small_cohort_and_its_complement_are_withheld_in_table_and_filter(hospital):
    program = make_program(hospital)
    crowd = people(17)
    outcomes_for(program, crowd[:10], cohort="2025-Q4")
    outcomes_for(program, crowd[10:15], cohort="2026-Q1")
    outcomes_for(program, crowd[15:], cohort="2026-Q2")  # two people
    block = analytics.program_analytics(program).outcomes[0]
    assert not block.withheld and block.n == 17
    sizes = {c.value: c.n for c in block.cohorts}
    # 2026-Q2 alone would be the whole minus the others: 2026-Q1 is withheld with it.
    assert sizes == {"2025-Q4": 10, "2026-Q1": None, "2026-Q2": None}
    shown = analytics.program_analytics(program, analytics.Filters(cohort="2025-Q4"))
    assert not shown.outcomes[0].withheld and shown.outcomes[0].n == 10
    for cohort in ("2026-Q1", "2026-Q2", "2030-Q1"):
        hidden = analytics.program_analytics(program, analytics.Filters(cohort=cohort))
        assert hidden.outcomes[0].withheld and hidden.outcomes[0].domains == []


@pytest.mark.django_db
def test_anonymous_relationships_give_quadrants_with_small_ones_withheld(hospital):
    program = make_program(hospital)
    instrument = library("relationship-quality")
    for n, user in enumerate(people(15)):
        support, challenge = (4.0, 4.0) if n < 8 else (4.0, 2.0) if n < 12 else (2.0, 2.0)
        answered(program, instrument, "closure", user, {"support": support, "challenge": challenge})
    assert not Response.objects.filter(instrument=instrument, respondent__isnull=False).exists()
    block = analytics.program_analytics(program).relationships[0]
    assert block.n == 15
    # Confirmation (4) and stasis (3) are small; together they reach 5, growth stays shown.
    assert block.quadrants == {"growth": 8, "retreat": 0, "confirmation": None, "stasis": None}
    assert block.support.mean == pytest.approx((12 * 4 + 3 * 2) / 15)


@pytest.mark.django_db
def test_anonymous_answers_enter_in_whole_batches_from_before_today(hospital):
    program = make_program(hospital)
    instrument = library("relationship-quality")
    crowd = people(12)
    for user in crowd[:7]:
        answered(program, instrument, "closure", user, {"support": 4, "challenge": 4})
    assert analytics.program_analytics(program).relationships[0].n == 5
    # Three more make ten: a second batch. Answers from "today" wait for tomorrow.
    later = DAY + datetime.timedelta(days=30)
    for user in crowd[7:10]:
        answered(program, instrument, "closure", user, {"support": 2, "challenge": 2}, opens=later)
    answered_on = later.date() + datetime.timedelta(days=3)
    assert analytics.program_analytics(program, today=answered_on).relationships[0].n == 5
    assert analytics.program_analytics(program).relationships[0].n == 10
    # Named answers are not batched: the coordinator may see them one by one anyway.
    outcomes_for(program, crowd[:6])
    assert analytics.program_analytics(program).outcomes[0].n == 6


@pytest.mark.django_db
def test_anonymous_outcomes_are_compared_as_two_groups(hospital):
    program = make_program(hospital)
    instrument = library("mentee-outcomes")
    Instrument.objects.filter(pk=instrument.pk).update(anonymity="anonymous")
    instrument.refresh_from_db()
    for n, user in enumerate(people(5)):
        answered(program, instrument, "baseline", user, {"practice": 2 + n % 3})
        answered(program, instrument, "closure", user, {"practice": 3 + n % 3})
    Response.objects.filter(program=program).update(respondent=None)
    block = analytics.program_analytics(program).outcomes[0]
    practice = next(d for d in block.domains if d.key == "practice")
    assert practice.change.design == "unpaired" and practice.change.effect_label == "g"
    assert practice.change.difference == pytest.approx(1.0)


@pytest.mark.django_db
def test_response_rates_count_has_responded_and_withhold_small_groups(hospital):
    program = make_program(hospital)
    outcomes_for(program, people(5))
    rates = {
        (r.occasion, r.rate.responded if r.rate else None)
        for r in analytics.program_analytics(program).rates
    }
    assert rates == {("baseline", 5), ("closure", 5)}


@pytest.mark.django_db
def test_the_analytics_take_a_fixed_number_of_queries(hospital, django_assert_max_num_queries):
    program = make_program(hospital)
    outcomes_for(program, people(30))
    instrument = library("relationship-quality")
    for user in people(12, "r"):
        answered(program, instrument, "closure", user, {"support": 4, "challenge": 4})
    with django_assert_max_num_queries(12):
        found = analytics.program_analytics(program)
    assert found.outcomes[0].n == 30
