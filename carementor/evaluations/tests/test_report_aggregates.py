"""Cronbach's alpha aggregated in the database equals the old computation over every answer.

The reference below is the former implementation: it fetched each released response's item
scores into a respondents x items matrix and handed it to ``stats.cronbach_alpha``. The
database now returns per-item and per-total moments of the same released rows instead."""

import datetime
import math
import random
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.demo.evaluations import _Batch
from carementor.evaluations import analytics, loaders, stats
from carementor.evaluations.anonymity import released
from carementor.evaluations.models import Answer, Instrument, Response
from carementor.evaluations.tests.test_report_analytics import DAY, library, people
from carementor.mentorships.tests.helpers import make_program

TOL = 1e-9


def reference_alphas(
    instrument: Instrument, response_ids: dict[str, list[Any]]
) -> dict[tuple[str, str], stats.Reliability]:
    items = [item for item in instrument.items.all() if item.is_scored]
    scores: dict[Any, dict[int, float]] = defaultdict(dict)
    wanted = [pk for ids in response_ids.values() for pk in ids]
    for response_id, item_id, score in Answer.objects.filter(
        response_id__in=wanted, item__in=items, score__isnull=False
    ).values_list("response_id", "item_id", "score"):
        scores[response_id][item_id] = float(score)
    result = {}
    for occasion, ids in response_ids.items():
        for domain in {item.domain for item in items}:
            domain_items = [item.pk for item in items if item.domain == domain]
            matrix = [[scores[pk].get(i, math.nan) for i in domain_items] for pk in ids]
            if matrix:
                result[(occasion, domain)] = stats.cronbach_alpha(matrix)
    return result


def same(left: stats.Reliability | None, right: stats.Reliability | None) -> bool:
    if left is None or right is None:
        return left is right
    if (left.n, left.k) != (right.n, right.k):
        return False
    for a, b in ((left.alpha, right.alpha), (left.ci_low, right.ci_low)):
        if (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > TOL):
            return False
    return True


def random_answers(program: Any, instrument: Instrument, users: list[Any], seed: int) -> None:
    """Item scores at random (reverse items too), some items left out, over several days."""
    rng = random.Random(seed)
    scored = [item for item in instrument.items.all() if item.is_scored]
    for n, user in enumerate(users):
        for occasion, opens in (("baseline", DAY), ("closure", DAY + datetime.timedelta(days=90))):
            answers = {
                item.key: float(rng.randint(1, item.points or 5))
                for item in scored
                if rng.random() > 0.08
            }
            batch = _Batch(program, f"t{seed}")
            batch.survey(
                instrument=instrument,
                occasion=occasion,
                user_id=user.pk,
                role="mentee",
                opens=opens + datetime.timedelta(days=n % 4),
                answers=answers,
                cohort="2026-Q1" if n % 3 else "2026-Q2",
            )
            batch.save()


@given(
    st.integers(2, 6).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(1, 5), min_size=k, max_size=k), min_size=0, max_size=25
        )
    )
)
def test_alpha_from_moments_equals_alpha_from_the_matrix(rows):
    matrix = np.asarray(rows, dtype=np.float64)
    if matrix.size == 0:
        return
    n, k = matrix.shape
    item_variance = stats.summed_variance(
        n, [float(column.sum()) for column in matrix.T], float((matrix * matrix).sum())
    )
    assert n < 2 or item_variance == pytest.approx(
        sum(
            stats.sample_variance(n, float(column.sum()), float((column * column).sum()))
            for column in matrix.T
        ),
        abs=TOL,
    )
    totals = matrix.sum(axis=1)
    total_variance = stats.sample_variance(n, float(totals.sum()), float((totals**2).sum()))
    assert same(
        stats.cronbach_alpha_from_variances(n, k, item_variance, total_variance),
        stats.cronbach_alpha(matrix),
    )


def test_sample_variance_of_one_value_is_undefined_and_of_equal_values_zero():
    assert math.isnan(stats.sample_variance(1, 3.0, 9.0))
    assert stats.sample_variance(4, 12.0, 36.0) == 0.0
    assert stats.sample_variance(3, 6.0, 14.0) == pytest.approx(1.0)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_database_alpha_equals_the_matrix_alpha_with_missing_items(hospital, seed):
    program = make_program(hospital)
    instrument = library("mentee-outcomes")
    random_answers(program, instrument, people(14 + seed), seed)
    ids: dict[str, list[Any]] = defaultdict(list)
    for pk, occasion in Response.objects.filter(program=program).values_list("id", "occasion"):
        ids[occasion].append(pk)
    found = loaders._alpha_by_domain(instrument, ids)
    expected = reference_alphas(instrument, ids)
    assert found.keys() == expected.keys()
    assert all(same(found[key], expected[key]) for key in expected)
    assert any(r.alpha is not None for r in found.values())


@pytest.mark.django_db
def test_report_alpha_uses_only_the_released_anonymous_batches(hospital):
    program = make_program(hospital)
    instrument = library("mentee-outcomes")
    Instrument.objects.filter(pk=instrument.pk).update(anonymity="anonymous")
    instrument = library("mentee-outcomes")
    random_answers(program, instrument, people(13), seed=7)
    Response.objects.filter(program=program).update(respondent=None, mentorship=None)
    today = (DAY + datetime.timedelta(days=95)).date()
    block = analytics.program_analytics(program, today=today).outcomes[0]
    assert not block.withheld
    rows = released(
        loaders._rows(Response.objects.filter(program=program)), threshold=5, today=today
    )
    ids = {o: [r.id for r in rows if r.occasion == o] for o in ("baseline", "closure")}
    # Batches of five: 10 of 13 baselines; closures answered from day 93 on wait for tomorrow.
    assert [len(ids["baseline"]), len(ids["closure"])] == [10, 5]
    expected = reference_alphas(instrument, ids)
    for domain in block.domains:
        for occasion, got in (
            ("baseline", domain.reliability_before),
            ("closure", domain.reliability_after),
        ):
            reference = expected[(occasion, domain.key)]
            assert same(got, reference if reference.n >= 5 else None)


@pytest.mark.django_db
def test_small_groups_get_no_alpha(hospital):
    program = make_program(hospital)
    instrument = library("mentee-outcomes")
    random_answers(program, instrument, people(4), seed=5)
    block = analytics.program_analytics(program).outcomes[0]
    assert block.withheld and block.domains == []
