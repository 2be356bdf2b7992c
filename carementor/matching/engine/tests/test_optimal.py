"""Optimal cohort matching: exact against SciPy, never worse than greedy, rules kept."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from carementor.matching.engine import (
    MatchingError,
    dense_reference,
    greedy_match,
    optimal_match,
    total_score,
)


def random_instance(seed: int, n_e: int, n_m: int, density: float, integer: bool = False):
    rng = np.random.default_rng(seed)
    dense = rng.integers(1, 1000, (n_e, n_m)) / 1000 if integer else rng.random((n_e, n_m))
    mask = rng.random((n_e, n_m)) < density
    caps = rng.integers(0, 4, n_m)
    return np.where(mask, dense, -np.inf), caps


def as_sparse(dense: np.ndarray) -> sp.csr_matrix:
    rows, cols = np.nonzero(np.isfinite(dense))
    return sp.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)


def check_feasible(assignment: np.ndarray, dense: np.ndarray, caps: np.ndarray) -> None:
    matched = assignment >= 0
    assert np.isfinite(dense[np.flatnonzero(matched), assignment[matched]]).all()
    assert (np.bincount(assignment[matched], minlength=len(caps)) <= caps).all()


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_e=st.integers(1, 25),
    n_m=st.integers(1, 8),
    density=st.floats(0.1, 1.0),
    integer=st.booleans(),
)
def test_property_optimum_equals_scipy_and_beats_greedy(seed, n_e, n_m, density, integer) -> None:
    dense, caps = random_instance(seed, n_e, n_m, density, integer)
    graph = as_sparse(dense)
    result = optimal_match(graph, caps)
    check_feasible(result, dense, caps)
    _, reference = dense_reference(dense, caps)
    assert total_score(graph, result) == pytest.approx(reference, abs=1e-6 * n_e)
    assert total_score(graph, result) >= total_score(graph, greedy_match(graph, caps)) - 1e-9


def test_dense_instance_matches_scipy_exactly() -> None:
    rng = np.random.default_rng(42)
    dense = rng.integers(0, 1_000_000, (400, 200)) / 1_000_000
    caps = np.full(200, 2)
    result = optimal_match(sp.csr_matrix(dense), caps)
    _, reference = dense_reference(dense, caps)
    assert total_score(dense, result) == pytest.approx(reference, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_e=st.integers(1, 20), n_m=st.integers(1, 6))
def test_property_maximize_matched_matches_the_most_people(seed, n_e, n_m) -> None:
    dense, caps = random_instance(seed, n_e, n_m, 0.4)
    graph = as_sparse(dense)
    most = optimal_match(graph, caps, maximize_matched=True)
    check_feasible(most, dense, caps)
    # The most people that can be matched: an optimum on unit scores.
    unit = graph.copy()
    unit.data[:] = 1.0
    assert (most >= 0).sum() == (optimal_match(unit, caps) >= 0).sum()
    best = optimal_match(graph, caps)
    assert (most >= 0).sum() >= (best >= 0).sum()
    assert total_score(graph, best) >= total_score(graph, most) - 1e-9


def test_maximize_matched_trades_score_for_coverage() -> None:
    # Both mentees suit mentor 0 (one place); mentee 0 suits mentor 1 only a little.
    scores = sp.csr_matrix(
        (np.array([0.97, 0.01, 0.95]), (np.array([0, 0, 1]), np.array([0, 1, 0]))), shape=(2, 2)
    )
    assert optimal_match(scores, [1, 1]).tolist() == [0, -1]  # 0.97 > 0.01 + 0.95
    assert optimal_match(scores, [1, 1], maximize_matched=True).tolist() == [1, 0]


def test_locked_and_forbidden_pairs() -> None:
    dense = np.array([[0.9, 0.1], [0.8, 0.7], [0.2, 0.6]])
    graph = sp.csr_matrix(dense)
    assert optimal_match(graph, [1, 1]).tolist() == [0, 1, -1]
    assert optimal_match(graph, [1, 1], locked=[(2, 0)]).tolist() == [-1, 1, 0]
    assert optimal_match(graph, [1, 1], forbidden=[(0, 0)]).tolist() == [-1, 0, 1]


def test_bad_inputs_raise_clear_errors() -> None:
    graph = sp.csr_matrix(np.ones((2, 2)))
    with pytest.raises(MatchingError, match="capacities"):
        optimal_match(graph, [1])
    with pytest.raises(MatchingError, match="capacity"):
        optimal_match(graph, [1, 0], locked=[(0, 1)])
    with pytest.raises(MatchingError, match="out of range"):
        optimal_match(graph, [1, 1], locked=[(5, 0)])


def test_empty_graph_matches_nobody() -> None:
    assert optimal_match(sp.csr_matrix((3, 2)), [1, 1]).tolist() == [-1, -1, -1]
