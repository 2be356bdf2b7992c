"""The report's statistics, checked against pingouin, textbook results and closed forms."""

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from carementor.evaluations import stats

TOL = 1e-9

# Student's sleep data (Cushny & Peebles 1905): extra hours of sleep under two drugs,
# the same ten patients. R: t.test(extra ~ group, data = sleep, paired = TRUE).
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

BASELINE = [3.2, 3.8, 2.9, 4.1, 3.5, 3.0, 3.6, 2.7, 3.9, 3.3, 3.1, 3.4]
CLOSURE = [3.9, 4.0, 3.5, 4.4, 3.6, 3.8, 4.2, 3.1, 4.3, 3.2, 3.9, 3.7]


def test_paired_change_matches_the_textbook_sleep_example():
    change = stats.paired_change(SLEEP_1, SLEEP_2)
    # R prints: t = 4.0621, df = 9, p-value = 0.002833, CI 0.7001142 2.4598858.
    assert change.difference == pytest.approx(1.58, abs=TOL)
    assert change.t == pytest.approx(4.0621, abs=5e-5)
    assert change.df == 9
    assert change.p_value == pytest.approx(0.002833, abs=5e-7)
    assert change.ci_low == pytest.approx(0.7001142, abs=5e-8)
    assert change.ci_high == pytest.approx(2.4598858, abs=5e-8)


def test_welch_change_matches_the_textbook_sleep_example():
    change = stats.unpaired_change(SLEEP_1, SLEEP_2)
    # R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
    # CI -3.3654832 0.2054832 (group 1 minus group 2; we report 2 minus 1).
    assert change.t == pytest.approx(1.8608, abs=5e-5)
    assert change.df == pytest.approx(17.776, abs=5e-4)
    assert change.p_value == pytest.approx(0.07939, abs=5e-6)
    assert change.ci_low == pytest.approx(-0.2054832, abs=5e-8)
    assert change.ci_high == pytest.approx(3.3654832, abs=5e-8)


def test_paired_change_agrees_with_pingouin():
    change = stats.paired_change(BASELINE, CLOSURE)
    result = pg.ttest(CLOSURE, BASELINE, paired=True).iloc[0]
    assert change.design == "paired"
    assert change.n_pairs == 12
    assert change.t == pytest.approx(result["T"], abs=TOL)
    assert change.df == result["dof"]
    assert change.p_value == pytest.approx(result["p_val"], abs=TOL)
    # pingouin rounds its interval to two decimals; check it loosely and exactly by hand.
    assert change.ci_low == pytest.approx(result["CI95"][0], abs=0.005)
    diff = np.subtract(CLOSURE, BASELINE)
    half = 2.200985160082949 * diff.std(ddof=1) / math.sqrt(12)  # t(0.975, 11), from tables
    assert change.ci_low == pytest.approx(diff.mean() - half, abs=TOL)
    assert change.ci_high == pytest.approx(diff.mean() + half, abs=TOL)
    assert change.effect_label == "d_av"
    assert change.effect_size == pytest.approx(
        pg.compute_effsize(CLOSURE, BASELINE, paired=True, eftype="cohen"), abs=TOL
    )
    assert change.d_z == pytest.approx(
        pg.compute_effsize(CLOSURE, BASELINE, paired=True, eftype="cohen_dz"), abs=TOL
    )


def test_unpaired_change_agrees_with_pingouin_welch_and_hedges():
    after = CLOSURE[:9]
    change = stats.unpaired_change(BASELINE, after)
    result = pg.ttest(after, BASELINE, paired=False, correction=True).iloc[0]
    assert change.design == "unpaired"
    assert (change.n_before, change.n_after) == (12, 9)
    assert change.t == pytest.approx(result["T"], abs=TOL)
    assert change.df == pytest.approx(result["dof"], abs=TOL)
    assert change.p_value == pytest.approx(result["p_val"], abs=TOL)
    assert change.ci_low == pytest.approx(result["CI95"][0], abs=0.005)
    assert change.effect_label == "g"
    assert change.effect_size == pytest.approx(
        pg.compute_effsize(after, BASELINE, paired=False, eftype="hedges"), abs=TOL
    )


def test_hedges_g_by_hand():
    # x = 1..4 (mean 2.5), y = 3..7 (mean 5): pooled SD = sqrt((5 + 10) / 7), and
    # Cohen's d = 2.5 / sqrt(15 / 7) = 1.7078251276599... (pingouin's documented example).
    d = 2.5 / math.sqrt(15 / 7)
    assert d == pytest.approx(1.707825127659933, abs=TOL)
    assert stats.hedges_g([1, 2, 3, 4], [3, 4, 5, 6, 7]) == pytest.approx(
        d * (1 - 3 / (4 * 9 - 9)), abs=TOL
    )


def test_mean_ci_by_hand():
    values = [2.0, 4.0, 4.0, 5.0, 5.0]
    estimate = stats.mean_ci(values)
    sd = float(np.std(values, ddof=1))
    half = 2.7764451051977987 * sd / math.sqrt(5)  # t(0.975, 4)
    assert estimate.mean == pytest.approx(4.0, abs=TOL)
    assert estimate.ci_low == pytest.approx(4.0 - half, abs=TOL)
    assert estimate.ci_high == pytest.approx(4.0 + half, abs=TOL)


def test_cronbach_alpha_agrees_with_pingouin_and_drops_incomplete_rows():
    rng = np.random.default_rng(7)
    trait = rng.normal(size=40)
    matrix = np.column_stack([trait + rng.normal(scale=0.7, size=40) for _ in range(4)])
    matrix[3, 2] = np.nan
    matrix[11, 0] = np.nan
    result = stats.cronbach_alpha(matrix)
    complete = pd.DataFrame(matrix).dropna()
    expected, _ci = pg.cronbach_alpha(data=complete)
    assert result.n == 38
    assert result.k == 4
    assert result.alpha == pytest.approx(expected, abs=TOL)
    # Feldt interval by hand: 1 - (1 - alpha) F_{upper/lower}(n - 1, (n - 1)(k - 1)).
    from scipy.stats import f

    assert result.ci_low == pytest.approx(1 - (1 - expected) * f.ppf(0.975, 37, 111), abs=TOL)
    assert result.ci_high == pytest.approx(1 - (1 - expected) * f.ppf(0.025, 37, 111), abs=TOL)


def test_cronbach_alpha_textbook_value():
    # Three items, five people. Item variances 0.5, 1.0, 0.5 (sum 2); person totals
    # 3, 6, 8, 8, 5 have variance 4.5; alpha = 3/2 · (1 - 2/4.5) = 5/6.
    matrix = [[1, 1, 1], [2, 2, 2], [3, 3, 2], [2, 3, 3], [2, 1, 2]]
    assert stats.cronbach_alpha(matrix).alpha == pytest.approx(5 / 6, abs=TOL)
    assert stats.cronbach_alpha(matrix).alpha == pytest.approx(
        pg.cronbach_alpha(data=pd.DataFrame(np.asarray(matrix, dtype=float)))[0], abs=TOL
    )


def test_cronbach_alpha_needs_two_items_and_two_people():
    assert stats.cronbach_alpha([[1.0], [2.0], [3.0]]).alpha is None
    assert stats.cronbach_alpha([[1.0, 2.0]]).alpha is None
    assert stats.cronbach_alpha([[3.0, 3.0], [3.0, 3.0]]).alpha is None


def test_correlation_agrees_with_pingouin_and_fisher_z_by_hand():
    result = stats.correlation(BASELINE, CLOSURE)
    expected = pg.corr(BASELINE, CLOSURE).iloc[0]
    assert result.n == 12
    assert result.r == pytest.approx(expected["r"], abs=TOL)
    assert result.p_value == pytest.approx(expected["p_val"], abs=TOL)
    z = math.atanh(expected["r"])
    se = 1 / math.sqrt(12 - 3)
    q = norm.ppf(0.975)
    assert result.ci_low == pytest.approx(math.tanh(z - q * se), abs=TOL)
    assert result.ci_high == pytest.approx(math.tanh(z + q * se), abs=TOL)


def test_correlation_of_a_constant_is_undefined():
    assert stats.correlation([1, 1, 1, 1], [1, 2, 3, 4]).r is None
    assert stats.correlation([1, 2], [2, 1]).r is None


def test_response_rate_wilson_interval_by_hand():
    rate = stats.response_rate(18, 24)
    p, n, z = 18 / 24, 24, norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert rate.rate == 0.75
    assert rate.ci_low == pytest.approx(centre - half, abs=TOL)
    assert rate.ci_high == pytest.approx(centre + half, abs=TOL)
    assert stats.response_rate(0, 0).rate is None
    with pytest.raises(ValueError):
        stats.response_rate(3, 2)


def test_small_and_degenerate_samples_give_none_not_nan():
    one = stats.paired_change([3.0], [4.0])
    assert one.difference == 1.0
    assert one.ci_low is None
    assert one.effect_size is None
    same = stats.paired_change([1, 2, 3], [2, 3, 4])
    assert (same.ci_low, same.ci_high) == (1.0, 1.0)
    assert same.d_z is None
    assert stats.unpaired_change([], [1, 2]).difference is None
    assert stats.mean_ci([]).mean is None
    with pytest.raises(ValueError):
        stats.paired_change([1, 2], [1])


def test_paired_change_drops_incomplete_pairs():
    change = stats.paired_change([1.0, np.nan, 3.0, 4.0], [2.0, 5.0, np.nan, 6.0])
    assert change.n_pairs == 2
    assert change.difference == pytest.approx(1.5)


scores = st.floats(min_value=1, max_value=5, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(scores, scores), min_size=3, max_size=30))
def test_paired_interval_contains_the_mean_difference(pairs):
    before, after = zip(*pairs, strict=True)
    change = stats.paired_change(before, after)
    assert change.difference == pytest.approx(np.mean(np.subtract(after, before)))
    if change.ci_low is not None and change.ci_high is not None:
        assert change.ci_low <= change.difference + 1e-12
        assert change.difference <= change.ci_high + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(scores, min_size=2, max_size=25), st.lists(scores, min_size=2, max_size=25))
def test_hedges_g_is_antisymmetric_and_shrinks_cohens_d(before, after):
    g = stats.hedges_g(before, after)
    back = stats.hedges_g(after, before)
    if g is None:
        assert back is None
        return
    assert back == pytest.approx(-g, abs=1e-9)
    d = pg.compute_effsize(after, before, paired=False, eftype="cohen")
    assert abs(g) <= abs(d) + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(scores, scores), min_size=4, max_size=30))
def test_correlation_stays_in_range_with_its_interval(pairs):
    x, y = zip(*pairs, strict=True)
    result = stats.correlation(x, y)
    if result.r is None:
        return
    assert -1 - 1e-12 <= result.r <= 1 + 1e-12
    if result.ci_low is not None and result.ci_high is not None:
        assert result.ci_low <= result.r + 1e-9 <= result.ci_high + 2e-9
