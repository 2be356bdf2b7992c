"""The statistics behind the outcome report: plain NumPy and SciPy, no Django.

Every distribution (t, F, normal, binomial) comes from SciPy; this module only chooses the
estimators and documents them, so they can be checked against an independent library
(pingouin, in the tests) and read by a statistician.

Conventions:

- A *change* is closure minus baseline, so a positive number means scores went up.
- Named instruments give paired designs (the same respondent at both occasions): the
  confidence interval and t-test use the differences (``scipy.stats.ttest_rel``). The
  headline effect size is Cohen's *d_av* — the mean difference divided by the root mean
  square of the two occasions' standard deviations (Cumming 2012; Lakens 2013) — because it is
  on the same scale as a between-groups *d* and so comparable with the anonymous programmes'
  Hedges' *g*. Cohen's *d_z* (mean difference / SD of the differences) is reported beside it,
  since it is the one that relates to the t statistic (t = d_z*sqrt n).
- Anonymous instruments cannot be paired: baseline and closure are independent samples,
  compared with Welch's t (unequal variances, ``scipy.stats.ttest_ind(equal_var=False)``) and
  Hedges' *g* (Cohen's *d* with the pooled SD, times the usual small-sample correction
  1 - 3 / (4(n1 + n2) - 9), Hedges & Olkin 1985).
- Cronbach's alpha uses complete cases only (listwise deletion) and the Feldt (1987)
  F-based confidence interval.
- Correlations are Pearson's r with the Fisher z confidence interval.
- Response rates carry a Wilson score interval.

Undefined quantities (too few observations, zero variance) are ``None``, never NaN, so
templates and JSON can show "not enough data" instead of a number.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sp

CONFIDENCE = 0.95


def _finite(value: float | np.floating | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _vector(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[np.isfinite(array)]


@dataclass(frozen=True)
class MeanEstimate:
    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def mean_ci(values: ArrayLike, confidence: float = CONFIDENCE) -> MeanEstimate:
    """Mean with a t-based confidence interval (needs two values for the interval)."""
    x = _vector(values)
    n = int(x.size)
    if n == 0:
        return MeanEstimate(0, None, None, None, None)
    mean = float(x.mean())
    if n < 2:
        return MeanEstimate(n, mean, None, None, None)
    sd = float(x.std(ddof=1))
    if sd == 0:
        return MeanEstimate(n, mean, 0.0, mean, mean)
    low, high = sp.t.interval(confidence, df=n - 1, loc=mean, scale=sd / math.sqrt(n))
    return MeanEstimate(n, mean, sd, _finite(low), _finite(high))


@dataclass(frozen=True)
class Change:
    """Closure minus baseline, with its confidence interval and standardized effect size."""

    design: Literal["paired", "unpaired"]
    n_before: int
    n_after: int
    mean_before: float | None
    mean_after: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: float | None
    p_value: float | None
    effect_size: float | None
    # "d_av" for paired designs, "g" (Hedges) for unpaired ones.
    effect_label: Literal["d_av", "g"]
    d_z: float | None = None

    @property
    def n_pairs(self) -> int:
        return self.n_before if self.design == "paired" else 0


def cohen_d_z(before: ArrayLike, after: ArrayLike) -> float | None:
    diff = np.asarray(after, dtype=np.float64) - np.asarray(before, dtype=np.float64)
    if diff.size < 2:
        return None
    sd = float(diff.std(ddof=1))
    return _finite(diff.mean() / sd) if sd > 0 else None


def cohen_d_av(before: ArrayLike, after: ArrayLike) -> float | None:
    """Mean difference over the root mean square of the two SDs (Cumming 2012)."""
    x = np.asarray(before, dtype=np.float64)
    y = np.asarray(after, dtype=np.float64)
    if x.size < 2 or y.size < 2:
        return None
    scale = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
    return _finite((y.mean() - x.mean()) / scale) if scale > 0 else None


def hedges_g(before: ArrayLike, after: ArrayLike) -> float | None:
    """(after - before) / pooled SD, with the Hedges & Olkin small-sample correction."""
    x = _vector(before)
    y = _vector(after)
    nx, ny = x.size, y.size
    if nx < 2 or ny < 2:
        return None
    pooled = math.sqrt(((nx - 1) * x.var(ddof=1) + (ny - 1) * y.var(ddof=1)) / (nx + ny - 2))
    if pooled == 0:
        return None
    d = (y.mean() - x.mean()) / pooled
    return _finite(d * (1 - 3 / (4 * (nx + ny) - 9)))


def paired_change(before: ArrayLike, after: ArrayLike, confidence: float = CONFIDENCE) -> Change:
    """Pairs are positions in the two arrays; a pair with a missing value is dropped."""
    x = np.asarray(before, dtype=np.float64).ravel()
    y = np.asarray(after, dtype=np.float64).ravel()
    if x.size != y.size:
        raise ValueError("paired samples must have the same length")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = int(x.size)
    mean_before = float(x.mean()) if n else None
    mean_after = float(y.mean()) if n else None
    difference = float((y - x).mean()) if n else None
    t = df = p = low = high = None
    if n >= 2:
        diff_sd = float((y - x).std(ddof=1))
        if diff_sd > 0:
            result = sp.ttest_rel(y, x)
            interval = result.confidence_interval(confidence)
            t, p = _finite(result.statistic), _finite(result.pvalue)
            df = float(result.df)
            low, high = _finite(interval.low), _finite(interval.high)
        else:
            # Everyone changed by exactly the same amount: the interval collapses.
            low = high = difference
            df = float(n - 1)
    return Change(
        design="paired",
        n_before=n,
        n_after=n,
        mean_before=mean_before,
        mean_after=mean_after,
        difference=difference,
        ci_low=low,
        ci_high=high,
        t=t,
        df=df,
        p_value=p,
        effect_size=cohen_d_av(x, y),
        effect_label="d_av",
        d_z=cohen_d_z(x, y),
    )


def unpaired_change(before: ArrayLike, after: ArrayLike, confidence: float = CONFIDENCE) -> Change:
    """Independent samples (anonymous answers): Welch's t and Hedges' g."""
    x = _vector(before)
    y = _vector(after)
    nx, ny = int(x.size), int(y.size)
    mean_before = float(x.mean()) if nx else None
    mean_after = float(y.mean()) if ny else None
    difference = (
        mean_after - mean_before if mean_after is not None and mean_before is not None else None
    )
    t = df = p = low = high = None
    if nx >= 2 and ny >= 2 and (x.var(ddof=1) > 0 or y.var(ddof=1) > 0):
        result = sp.ttest_ind(y, x, equal_var=False)
        interval = result.confidence_interval(confidence)
        t, p, df = _finite(result.statistic), _finite(result.pvalue), _finite(result.df)
        low, high = _finite(interval.low), _finite(interval.high)
    return Change(
        design="unpaired",
        n_before=nx,
        n_after=ny,
        mean_before=mean_before,
        mean_after=mean_after,
        difference=difference,
        ci_low=low,
        ci_high=high,
        t=t,
        df=df,
        p_value=p,
        effect_size=hedges_g(x, y),
        effect_label="g",
    )


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    n: int  # complete cases used
    k: int  # items
    ci_low: float | None
    ci_high: float | None


def cronbach_alpha(items: ArrayLike, confidence: float = CONFIDENCE) -> Reliability:
    """Alpha from a respondents x items matrix; rows with any missing item are dropped."""
    matrix = np.asarray(items, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("items must be a respondents x items matrix")
    matrix = matrix[np.isfinite(matrix).all(axis=1)]
    n, k = matrix.shape
    if k < 2 or n < 2:
        return Reliability(None, int(n), int(k), None, None)
    return cronbach_alpha_from_variances(
        int(n),
        int(k),
        float(matrix.var(axis=0, ddof=1).sum()),
        float(matrix.sum(axis=1).var(ddof=1)),
        confidence,
    )


def sample_variance(n: int, total: float, squares: float) -> float:
    """Sample variance (ddof=1) from a count, a sum and a sum of squares — the moments a
    database aggregates."""
    return summed_variance(n, [total], squares)


def summed_variance(n: int, sums: Sequence[float], squares: float) -> float:
    """The sum of several columns' sample variances over the same n rows, from each column's
    sum and the sum of all their squares. Scores are small numbers, so the cancellation costs
    a few digits of sixteen; a result within rounding of zero is zero."""
    if n < 2:
        return math.nan
    spread = squares - sum(s * s for s in sums) / n
    if spread <= 1e-9 * max(squares, 1.0):
        return 0.0
    return spread / (n - 1)


def cronbach_alpha_from_variances(
    n: int,
    k: int,
    item_variance: float,
    total_variance: float,
    confidence: float = CONFIDENCE,
) -> Reliability:
    """Alpha from n complete cases of k items: the sum of the item variances and the variance
    of the totals (what ``cronbach_alpha`` computes from the matrix, or a database from
    per-item and per-total moments)."""
    if k < 2 or n < 2:
        return Reliability(None, int(n), int(k), None, None)
    if total_variance == 0:
        return Reliability(None, int(n), int(k), None, None)
    alpha = (k / (k - 1)) * (1 - item_variance / total_variance)
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * sp.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * sp.f.isf(1 - tail, df1, df2)
    return Reliability(_finite(alpha), int(n), int(k), _finite(low), _finite(high))


@dataclass(frozen=True)
class Correlation:
    r: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def correlation(x: ArrayLike, y: ArrayLike, confidence: float = CONFIDENCE) -> Correlation:
    """Pearson's r over complete pairs, with the Fisher z interval (needs n ≥ 4)."""
    a = np.asarray(x, dtype=np.float64).ravel()
    b = np.asarray(y, dtype=np.float64).ravel()
    if a.size != b.size:
        raise ValueError("x and y must have the same length")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n < 3 or a.std() == 0 or b.std() == 0:
        return Correlation(None, n, None, None, None)
    result = sp.pearsonr(a, b)
    low = high = None
    if n >= 4:
        interval = result.confidence_interval(confidence_level=confidence)
        low, high = _finite(interval.low), _finite(interval.high)
    return Correlation(_finite(result.statistic), n, low, high, _finite(result.pvalue))


@dataclass(frozen=True)
class Rate:
    responded: int
    assigned: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


def response_rate(responded: int, assigned: int, confidence: float = CONFIDENCE) -> Rate:
    """Share of assigned surveys answered, with a Wilson score interval."""
    if responded < 0 or assigned < 0 or responded > assigned:
        raise ValueError("need 0 ≤ responded ≤ assigned")
    if assigned == 0:
        return Rate(responded, assigned, None, None, None)
    interval = sp.binomtest(responded, assigned).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return Rate(
        responded,
        assigned,
        responded / assigned,
        _finite(interval.low),
        _finite(interval.high),
    )
