"""Stable matching: identical to the `matching` library, stable, mentee-optimal."""

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from carementor.matching.engine import (
    Prefs,
    blocking_pairs,
    is_stable,
    prefs_from_scores,
    stable_match,
)


def library_solution(mentee_lists, mentor_lists, caps) -> np.ndarray:
    """The `matching` library's resident-optimal solution (it needs a cleaned instance)."""
    from matching.games import HospitalResident

    open_ = {m for m, c in enumerate(caps) if c > 0}
    residents = {
        f"r{e}": [f"h{m}" for m in lst if m in open_] for e, lst in enumerate(mentee_lists)
    }
    residents = {r: lst for r, lst in residents.items() if lst}
    hospitals = {
        f"h{m}": [f"r{e}" for e in lst if f"h{m}" in residents.get(f"r{e}", [])]
        for m, lst in enumerate(mentor_lists)
        if m in open_
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {f"h{m}": int(caps[m]) for m in open_}
        )
        solved = game.solve(optimal="resident")
    result = np.full(len(mentee_lists), -1)
    for hospital, matched in solved.items():
        for resident in matched:
            result[int(resident.name[1:])] = int(hospital.name[1:])
    return result


def random_instance(seed: int, n_e: int, n_m: int, density: float):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_e, n_m)) < density
    rows, cols = np.nonzero(mask)
    scores = sp.csr_matrix((rng.random(len(rows)), (rows, cols)), shape=(n_e, n_m))
    mentor_view = sp.csr_matrix((rng.random(len(rows)), (rows, cols)), shape=(n_e, n_m))
    caps = rng.integers(0, 4, n_m)
    mentee_prefs, mentor_prefs = prefs_from_scores(scores, mentor_view)
    return mentee_prefs, mentor_prefs, caps


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_e=st.integers(1, 30),
    n_m=st.integers(1, 8),
    density=st.floats(0.05, 1.0),
)
def test_property_identical_to_the_matching_library_and_stable(seed, n_e, n_m, density) -> None:
    mentee_prefs, mentor_prefs, caps = random_instance(seed, n_e, n_m, density)
    result = stable_match(mentee_prefs, mentor_prefs, caps)
    assert blocking_pairs(result, mentee_prefs, mentor_prefs, caps) == []
    matched = result >= 0
    assert (np.bincount(result[matched], minlength=n_m) <= caps).all()
    expected = library_solution(mentee_prefs.to_lists(), mentor_prefs.to_lists(), caps)
    assert result.tolist() == expected.tolist()


def all_stable(mentee_lists, mentor_lists, caps):
    """Every stable matching of a tiny instance, by enumeration."""
    options = [[-1, *lst] for lst in mentee_lists]
    for choice in itertools.product(*options):
        assignment = np.array(choice)
        if is_stable(assignment, mentee_lists, mentor_lists, caps):
            yield assignment


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_e=st.integers(1, 5), n_m=st.integers(1, 3))
def test_property_result_is_mentee_optimal(seed, n_e, n_m) -> None:
    mentee_prefs, mentor_prefs, caps = random_instance(seed, n_e, n_m, 0.7)
    e_lists, m_lists = mentee_prefs.to_lists(), mentor_prefs.to_lists()
    result = stable_match(e_lists, m_lists, caps)
    rank = [{m: r for r, m in enumerate(lst)} for lst in e_lists]
    for other in all_stable(e_lists, m_lists, caps):
        for e in range(n_e):
            mine = rank[e].get(int(result[e]), len(e_lists[e]))
            theirs = rank[e].get(int(other[e]), len(e_lists[e]))
            assert mine <= theirs


def test_lists_of_lists_and_prefs_agree() -> None:
    mentees = [[0, 1], [0], [1, 0], []]
    mentors = [[2, 1, 0], [0, 2]]
    caps = [1, 1]
    assert stable_match(mentees, mentors, caps).tolist() == [1, -1, 0, -1]
    assert stable_match(Prefs.from_lists(mentees), Prefs.from_lists(mentors), caps).tolist() == [
        1,
        -1,
        0,
        -1,
    ]


def test_checker_finds_blocking_pairs_and_infeasible_assignments() -> None:
    mentees = [[0, 1], [0, 1]]
    mentors = [[0, 1], [0, 1]]
    assert blocking_pairs(np.array([0, 1]), mentees, mentors, [1, 1]) == []
    assert blocking_pairs(np.array([1, 0]), mentees, mentors, [1, 1]) == [(0, 0)]
    assert blocking_pairs(np.array([0, 0]), mentees, mentors, [1, 1]) == [(1, 0)]  # over capacity
    assert blocking_pairs(np.array([-1, 1]), mentees, mentors, [1, 1]) == [(0, 0), (0, 1), (1, 0)]
    assert is_stable(np.array([0, -1]), [[0], [1]], [[0], []], [1, 1])
    assert blocking_pairs(np.array([0, 1]), [[0], [1]], [[0], []], [1, 1]) == [
        (1, 1)
    ]  # not acceptable


def test_only_mutually_acceptable_pairs_match() -> None:
    # Mentee 0 ranks mentor 0, who does not rank them back.
    assert stable_match([[0]], [[]], [1]).tolist() == [-1]


def test_duplicates_in_lists_keep_the_first_rank() -> None:
    assert stable_match([[0, 0, 1], [0]], [[1, 0, 1], [0]], [1, 1]).tolist() == [1, 0]


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="capacities"):
        stable_match([[0]], [[0]], [1, 1])
    with pytest.raises(ValueError, match="out of range"):
        stable_match([[3]], [[0]], [1])
    with pytest.raises(ValueError, match="out of range"):
        stable_match([[0]], [[5]], [1])
