"""Encoding: incremental updates equal a fresh encoding; text model behaviour."""

import numpy as np
import pytest

from carementor.matching.engine import Encoder, Scorer, synthetic
from carementor.matching.engine.encode import week_hours
from carementor.matching.engine.tests.conftest import mentor, person
from carementor.matching.engine.text import TfIdf, tokenize


def test_update_and_extend_equal_a_fresh_encoding() -> None:
    people = synthetic.people(120, role="mentor", seed=9)
    changed = synthetic.people(5, role="mentor", seed=10, prefix="x")
    final = list(people)
    for i, new in zip((3, 50, 77, 90, 119), changed, strict=True):
        final[i] = mentor(
            people[i].key,
            specialties=new.specialties,
            goals=new.goals,
            languages=new.languages,
            competencies=dict(new.competencies),
            verified=new.verified,
        )
    extra = synthetic.people(7, role="mentor", seed=11, prefix="y")

    encoder = Encoder(synthetic.taxonomy())
    incremental = encoder.population(people)
    for i in (3, 50, 77, 90, 119):
        incremental.update(i, final[i])
    incremental.extend(extra)
    fresh = Encoder(synthetic.taxonomy(), text=encoder.text).population(final + extra)

    mentees = synthetic.people(20, seed=12)
    a = Scorer(encoder.population(mentees), incremental).block(np.arange(20))
    b_encoder = fresh.encoder
    b = Scorer(b_encoder.population(mentees), fresh).block(np.arange(20))
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_update_must_keep_the_key_and_keys_are_unique() -> None:
    population = Encoder().population([mentor("a"), mentor("b")])
    with pytest.raises(ValueError):
        population.update(0, mentor("z"))
    with pytest.raises(ValueError):
        population.extend([mentor("a")])


def test_text_model() -> None:
    assert tokenize("Preparing for Fellowship applications, and exams!") == [
        "preparing",
        "fellowship",
        "application",
        "exam",
    ]
    assert tokenize("हिंदी में शोध") == ["हिंदी", "में", "शोध"]
    model = TfIdf().fit(["fellowship research", "fellowship exams", "night shifts"])
    ids, weights = model.vector("fellowship fellowship research unknownword")
    assert [model.terms[i] for i in ids] == ["fellowship", "research"]
    assert float(np.dot(weights, weights)) == pytest.approx(1.0)
    assert model.shared_words("research fellowship", "fellowship and research") == [
        "research",
        "fellowship",
    ]


def test_week_hours_shift_with_the_timezone() -> None:
    chennai = week_hours(5, ("weekday_morning",))
    london = week_hours(0, ("weekday_morning",))
    assert sum(bin(w).count("1") for w in chennai) == 25 == sum(bin(w).count("1") for w in london)
    assert chennai != london
    assert week_hours(0, ("nonsense",)) == (0, 0, 0)


def test_person_growth_targets() -> None:
    p = person("asha", competencies={"a": 2, "b": 4}, targets={"a": 4, "b": 3, "c": 2})
    assert p.growth_targets() == {"a": (2, 4), "c": (1, 2)}
