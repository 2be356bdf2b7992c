"""Large synthetic matching instances for the benchmarks, built fast and seeded.

Rank lists look like a residency match: a few mentors are far more popular than the rest,
mentees' lists are correlated through that popularity, and mentors rank applicants by a
shared view of their strength plus their own noise.
"""

from __future__ import annotations

import numpy as np

from carementor.matching.engine.stable import Prefs, _argsort


def rank_lists(
    n_mentees: int, n_mentors: int, ranks: int, places: int, seed: int = 0
) -> tuple[Prefs, Prefs, np.ndarray]:
    """Mentee and mentor preference lists and capacities (summing to about `places`)."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0.0, 1.0, n_mentors)
    popularity /= popularity.sum()
    draws = min(n_mentors, ranks * 2)
    picks = _alias_sample(popularity, (n_mentees, draws), rng)
    # Each mentee's own taste, on top of popularity, decides the order of its list.
    taste = np.log(popularity[picks]) + rng.gumbel(size=picks.shape)
    order = np.argsort(-taste, axis=1, kind="stable")
    picks = np.take_along_axis(picks, order, axis=1)
    # Keep the first occurrence of each mentor in preference order (a stable row sort
    # puts repeats right after their first, earlier-preferred, occurrence).
    by_value = np.argsort(picks, axis=1, kind="stable")
    sorted_picks = np.take_along_axis(picks, by_value, axis=1)
    repeat = np.zeros_like(picks, dtype=bool)
    repeat[:, 1:] = sorted_picks[:, 1:] == sorted_picks[:, :-1]
    seen = np.ones_like(picks, dtype=bool)
    np.put_along_axis(seen, by_value, ~repeat, axis=1)
    position = np.cumsum(seen, axis=1) - 1
    kept = seen & (position < ranks)
    lengths = kept.sum(axis=1)
    indptr = np.zeros(n_mentees + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    mentee_prefs = Prefs(indptr, picks[kept].astype(np.int64))

    strength = rng.normal(size=n_mentees)
    owners = mentee_prefs.owners()
    mentors = mentee_prefs.indices
    view = strength[owners] + rng.normal(scale=0.7, size=len(owners))
    # Mentors rank by their view, best first: sort by (mentor, rank of view).
    levels = 1 << 20  # the view, quantised: ties go to the lower mentee index
    low, high = float(view.min()), float(view.max())
    quantised = ((high - view) / max(high - low, 1e-12) * (levels - 1)).astype(np.int64)
    order = _argsort(mentors * levels + quantised, n_mentors * levels)
    m_indptr = np.zeros(n_mentors + 1, dtype=np.int64)
    np.cumsum(np.bincount(mentors, minlength=n_mentors), out=m_indptr[1:])
    mentor_prefs = Prefs(m_indptr, owners[order])

    capacities = np.maximum(1, np.rint(popularity * places)).astype(np.int64)
    return mentee_prefs, mentor_prefs, capacities


def _alias_sample(p: np.ndarray, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Draws from a discrete distribution in O(1) each (Walker's alias method)."""
    n = len(p)
    scaled = (p * n).tolist()
    alias = list(range(n))
    small = [i for i, x in enumerate(scaled) if x < 1.0]
    large = [i for i, x in enumerate(scaled) if x >= 1.0]
    while small and large:
        s, big = small.pop(), large[-1]
        alias[s] = big
        scaled[big] -= 1.0 - scaled[s]
        if scaled[big] < 1.0:
            small.append(large.pop())
    for i in small + large:
        scaled[i] = 1.0
    threshold, aliases = np.array(scaled), np.array(alias, dtype=np.int64)
    column = rng.integers(0, n, shape)
    return np.where(rng.random(shape) < threshold[column], column, aliases[column])
