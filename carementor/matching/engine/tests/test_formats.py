"""Peer matching, circles and speed-mentoring rotations."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from carementor.matching.engine import form_circles, peer_match, speed_rounds
from carementor.matching.engine.circles import goal_similarity
from carementor.matching.engine.tests.conftest import encode, person


def best_matching(weights: np.ndarray) -> float:
    n = len(weights)
    best = 0.0

    def walk(i: int, used: frozenset, total: float) -> None:
        nonlocal best
        if i == n:
            best = max(best, total)
            return
        walk(i + 1, used, total)
        if i in used:
            return
        for j in range(i + 1, n):
            if j not in used and weights[i, j] > 0:
                walk(i + 1, used | {i, j}, total + weights[i, j])

    walk(0, frozenset(), 0.0)
    return best


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 9), density=st.floats(0.2, 1.0))
def test_property_peer_matching_is_optimal_on_small_pools(seed, n, density) -> None:
    rng = np.random.default_rng(seed)
    upper = np.triu(np.round(rng.random((n, n)), 3) * (rng.random((n, n)) < density), 1)
    weights = upper + upper.T
    result = peer_match(sp.csr_matrix(weights))
    assert result.exact
    assert result.total == pytest.approx(best_matching(weights), abs=1e-6)
    for i, j in enumerate(result.partner):
        assert j < 0 or (result.partner[j] == i and weights[i, j] > 0)


def test_odd_cycle_needs_the_exact_solver_or_rounding() -> None:
    # A triangle: the fractional bound is 1.5, the best matching 1.0.
    triangle = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float))
    result = peer_match(triangle)
    assert result.total == 1.0 and result.exact and result.gap == 0.0
    approx = peer_match(triangle, exact_limit=0)
    assert approx.total == 1.0 and approx.upper_bound == 1.5 and not approx.exact
    assert approx.gap == pytest.approx(1 / 3)


def test_peer_matching_rejects_non_square() -> None:
    with pytest.raises(ValueError):
        peer_match(sp.csr_matrix(np.ones((2, 3))))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_m=st.integers(1, 6),
    n_e=st.integers(1, 9),
    rounds=st.integers(1, 5),
)
def test_property_rotations_never_repeat_and_never_double_book(seed, n_m, n_e, rounds) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.random((n_m, n_e))
    scores[rng.random((n_m, n_e)) < 0.2] = -np.inf
    rotation = speed_rounds(scores, rounds)
    assert len(rotation.rounds) == rounds
    seen = set()
    for pairs in rotation.rounds:
        assert len({m for m, _ in pairs}) == len(pairs) == len({e for _, e in pairs})
        for pair in pairs:
            assert pair not in seen and np.isfinite(scores[pair])
            seen.add(pair)
    # As many meetings as any schedule could have, with the best total among those.
    assert rotation.total == pytest.approx(sum(scores[p] for p in seen))


def test_rotations_are_optimal_on_a_tiny_event() -> None:
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4]])
    rotation = speed_rounds(scores, 2)
    best = 0.0
    cells = list(itertools.product(range(2), range(3)))
    for chosen in itertools.combinations(cells, 4):
        if all(sum(1 for m, _ in chosen if m == x) <= 2 for x in range(2)) and all(
            sum(1 for _, e in chosen if e == y) <= 2 for y in range(3)
        ):
            best = max(best, sum(scores[c] for c in chosen))
    assert rotation.total == pytest.approx(best)
    breaks = rotation.breaks(2, 3)
    assert all(len(mentees) == 1 for _, mentees in breaks)


def test_circles_of_six_for_a_nursing_college() -> None:
    # Sister Mary Thomas: 30 juniors, 6 senior students each leading five.
    rng = np.random.default_rng(1)
    themes = [
        "exam preparation and pharmacology",
        "night shifts and wellbeing",
        "research and writing",
    ]
    juniors = [person(f"j{i}", goals=themes[i % 3] + f" topic{i % 5}") for i in range(30)]
    mentees, _ = encode(juniors, [person("x")])
    similarity = goal_similarity(mentees)
    scores = rng.random((30, 6)) * 0.2
    circles = form_circles(scores, [5] * 6, similarity, cohesion=1.0)
    assert sorted(np.bincount(circles.leader).tolist()) == [5] * 6
    plain = form_circles(scores, [5] * 6, similarity, cohesion=0.0)
    assert circles.fit + circles.cohesion > plain.fit + plain.cohesion
    assert circles.cohesion > plain.cohesion
    for leader in range(6):
        goals = {themes[i % 3] for i in circles.members(leader)}
        assert len(goals) <= 2


def test_circles_respect_forbidden_pairs_and_sizes() -> None:
    scores = np.array([[1.0, -np.inf], [0.5, 0.5], [0.2, 0.9]])
    sim = np.ones((3, 3))
    circles = form_circles(scores, [2, 1], sim, cohesion=5.0)
    assert circles.leader[0] == 0
    assert np.bincount(circles.leader, minlength=2).tolist() == [2, 1]
    with pytest.raises(ValueError):
        form_circles(scores, [2, 1], np.ones((2, 2)))
