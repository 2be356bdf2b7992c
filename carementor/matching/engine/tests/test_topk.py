"""Top-k suggestions: the exact scan, exclusions, and the block-bound index."""

import numpy as np
import pytest

from carementor.matching.engine import Encoder, PoolIndex, Suggester, synthetic, top_k
from carementor.matching.engine.tests.conftest import encode, mentor, person


@pytest.fixture(scope="module")
def pool():
    encoder = Encoder(synthetic.taxonomy())
    return encoder.population(synthetic.people(3000, role="mentor", seed=3))


def brute_force(suggester: Suggester, mentee, k: int) -> list[tuple[str, float]]:
    n = suggester.mentors.n
    values = suggester.scorer_for(mentee).pairs(np.zeros(n, dtype=np.int64), np.arange(n))
    pairs = [(suggester.mentors.keys[m], float(v)) for m, v in enumerate(values) if np.isfinite(v)]
    pairs.sort(key=lambda p: (-p[1], suggester.mentors.row_of[p[0]]))
    return pairs[:k]


def test_top_k_matches_brute_force(pool) -> None:
    suggester = Suggester(pool)
    for mentee in synthetic.people(5, seed=11):
        got = [(s.key, s.score) for s in suggester.top_k(mentee, 10)]
        want = brute_force(suggester, mentee, 10)
        assert [k for k, _ in got] == [k for k, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)


def test_excluded_and_bookmarked_are_respected(pool) -> None:
    mentee = synthetic.people(1, seed=12)[0]
    first = top_k(pool, mentee, 5)
    dismissed = {first[0].key, first[2].key}
    again = top_k(pool, mentee, 5, exclude=dismissed, bookmarked={first[1].key})
    assert not dismissed & {s.key for s in again}
    assert again[0].key == first[1].key and again[0].bookmarked
    assert [s.bookmarked for s in again[1:]] == [False] * 4


def test_only_eligible_mentors_are_suggested() -> None:
    _, mentors = encode(
        [],
        [
            mentor("full", capacity=1, active_mentees=1),
            mentor("unverified", verified=False),
            mentor("ok"),
        ],
    )
    result = top_k(mentors, person("asha"), 10)
    assert [s.key for s in result] == ["ok"]


def test_fewer_candidates_than_k_and_empty_pool() -> None:
    _, mentors = encode([], [mentor("a"), mentor("b", specialties=("dermatology",))])
    assert [s.key for s in top_k(mentors, person("asha"), 10)] == ["a", "b"]
    assert top_k(mentors, person("asha"), 0) == []


def test_incremental_update_changes_suggestions(pool) -> None:
    encoder = Encoder(synthetic.taxonomy())
    mentors = encoder.population(synthetic.people(200, role="mentor", seed=4))
    mentee = person("asha")
    best = top_k(mentors, mentee, 1)[0]
    row = mentors.row_of[best.key]
    mentors.update(row, mentor(best.key, verified=False))
    assert best.key not in {s.key for s in top_k(mentors, mentee, 10)}


def test_index_is_exact_when_it_says_so(pool) -> None:
    index = PoolIndex(pool, block_size=64)
    suggester = Suggester(pool)
    for mentee in synthetic.people(8, seed=13):
        exact = suggester.top_k(mentee, 10)
        found, stats = index.top_k(mentee, 10)
        assert stats.exact
        assert [s.key for s in found] == [s.key for s in exact]
        assert stats.rows_scanned <= pool.n


def test_index_budget_gives_an_approximate_answer(pool) -> None:
    index = PoolIndex(pool, block_size=64)
    mentee = synthetic.people(1, seed=14)[0]
    found, stats = index.top_k(mentee, 10, max_rows=64)
    assert not stats.exact or stats.rows_scanned <= 64 * 4
    assert len(found) == 10
    assert all(np.isfinite(s.score) for s in found)


def test_index_sees_rows_added_and_changed_after_build() -> None:
    encoder = Encoder(synthetic.taxonomy())
    mentors = encoder.population(synthetic.people(500, role="mentor", seed=5))
    index = PoolIndex(mentors, block_size=32)
    mentee = person("asha")
    mentors.extend([mentor("newcomer")])
    found, stats = index.top_k(mentee, 3)
    assert found[0].key == "newcomer" and stats.exact
    mentors.update(mentors.row_of["newcomer"], mentor("newcomer", verified=False))
    found, _ = index.top_k(mentee, 3)
    assert "newcomer" not in {s.key for s in found}
