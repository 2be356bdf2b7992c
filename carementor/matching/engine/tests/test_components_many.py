"""`Scorer.components_many` gives every pair the same components as `components`, in the same
order, whatever the chunking; explanations built from them are the same."""

import numpy as np
import pytest

from carementor.matching.engine import Encoder, Person, Scorer, explain
from carementor.matching.engine.synthetic import people, taxonomy


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_batched_components_equal_one_pair_at_a_time(chunk: int) -> None:
    # Bare people too, so that some components cannot be judged (None).
    mentees = [*people(58, seed=3), Person(key="bare-1"), Person(key="bare-2")]
    mentors = [*people(24, role="mentor", seed=3), Person(key="bare-m", capacity=1)]
    encoder = Encoder(taxonomy())
    encoder.fit_text([*mentees, *mentors])
    scorer = Scorer(encoder.population(mentees), encoder.population(mentors))
    rng = np.random.default_rng(5)
    es = np.concatenate([rng.integers(0, 60, size=200), [58, 59, 3]])
    ms = np.concatenate([rng.integers(0, 25, size=200), [24, 2, 24]])  # repeats, any order
    batched = scorer.components_many(es, ms, chunk=chunk)
    assert len(batched) == 203
    for e, m, found in zip(es.tolist(), ms.tolist(), batched, strict=True):
        expected = scorer.components(e, m)
        assert list(found.items()) == list(expected.items())
        full = explain(scorer, e, m)
        assert explain(scorer, e, m, values=found) == full
        # A run's explanation: the same reasons, no penalties described.
        lean = explain(scorer, e, m, values=found, with_penalties=False)
        assert lean.reasons == full.reasons and lean.blocked_by == full.blocked_by
        assert lean.penalties == [] and lean.score == full.score
    assert any(v is None for row in batched for v in row.values())  # some not judged
