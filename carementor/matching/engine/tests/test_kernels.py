"""The compiled (Numba) loops give the NumPy path's scores, candidates and top-k."""

import dataclasses

import numpy as np
import pytest

from carementor.matching.engine import Scorer, Suggester, candidates, kernels, synthetic
from carementor.matching.engine.tests.conftest import encode, mentor, person

pytestmark = pytest.mark.skipif(not kernels.AVAILABLE, reason="numba is not installed")


def both(monkeypatch: pytest.MonkeyPatch, work):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(kernels, "ENABLED", False)
    reference = work()
    monkeypatch.setattr(kernels, "ENABLED", True)
    return reference, work()


def test_fused_scores_equal_numpy_scores(cohort, monkeypatch) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    numpy_scores, compiled = both(
        monkeypatch, lambda: np.stack([scorer.scores(e) for e in range(mentees.n)])
    )
    assert np.isneginf(compiled).sum() > 0 and np.isfinite(compiled).sum() > 0
    np.testing.assert_array_equal(np.isneginf(compiled), np.isneginf(numpy_scores))
    np.testing.assert_allclose(compiled, numpy_scores, rtol=0, atol=1e-6)


def test_fused_scores_see_patched_and_appended_rows(monkeypatch) -> None:
    mentees = synthetic.people(20, role="mentee", seed=3)
    mentors = synthetic.people(60, role="mentor", seed=3)
    people, pool = encode(mentees, mentors)
    pool.update(5, dataclasses.replace(mentors[9], key=mentors[5].key))
    pool.extend([dataclasses.replace(mentors[2], key="added")])
    scorer = Scorer(people, pool)
    numpy_scores, compiled = both(
        monkeypatch, lambda: np.stack([scorer.scores(e) for e in range(people.n)])
    )
    np.testing.assert_allclose(compiled, numpy_scores, rtol=0, atol=1e-6)


def test_fused_candidates_equal_numpy_candidates(cohort, monkeypatch) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    reference, compiled = both(monkeypatch, lambda: candidates(scorer, k=15))
    assert compiled.nnz == reference.nnz > 0
    np.testing.assert_array_equal(compiled.indptr, reference.indptr)
    np.testing.assert_array_equal(compiled.indices, reference.indices)
    np.testing.assert_allclose(compiled.data, reference.data, rtol=0, atol=1e-6)


def test_fused_top_k_equals_numpy_top_k(cohort, monkeypatch) -> None:
    _, mentors = cohort
    suggester = Suggester(mentors)
    people = synthetic.people(8, role="mentee", seed=21)

    def run() -> list[list[tuple[str, float]]]:
        return [[(s.key, s.score) for s in suggester.top_k(p, 10)] for p in people]

    reference, compiled = both(monkeypatch, run)
    assert [[key for key, _ in r] for r in compiled] == [[key for key, _ in r] for r in reference]
    np.testing.assert_allclose(
        [s for r in compiled for _, s in r], [s for r in reference for _, s in r], atol=1e-6
    )


def test_select_keeps_the_best_finite_scores_ties_by_position() -> None:
    scores = np.array([0.5, -np.inf, 0.9, 0.5, 0.9, 0.1], dtype=np.float32)
    assert kernels.select(scores, 3).tolist() == [2, 4, 0]
    assert kernels.select(scores, 10).tolist() == [2, 4, 0, 3, 5]


def test_fused_candidates_keep_lower_columns_on_ties_and_skip_exclusions(monkeypatch) -> None:
    # Twelve identical mentors score the same for each mentee: the heap must keep the
    # lowest columns, best first, exactly as the NumPy path does, and never an excluded one.
    mentees = [person("e0"), person("e1", conflicts=("m2", "m5"))]
    mentors = [mentor(f"m{i}") for i in range(12)]
    people, pool = encode(mentees, mentors)
    scorer = Scorer(people, pool)
    reference, compiled = both(monkeypatch, lambda: candidates(scorer, k=4))
    for graph in (reference, compiled):
        assert graph[0].indices.tolist() == [0, 1, 2, 3]
        assert graph[1].indices.tolist() == [0, 1, 3, 4]
    np.testing.assert_array_equal(compiled.data, reference.data)
