"""Compatibility scores: components, weights, hard rules, and the three scoring paths."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carementor.matching.engine import (
    Component,
    HardRule,
    ProgramFormat,
    ProgramSettings,
    Scorer,
    Weights,
    synthetic,
)
from carementor.matching.engine.tests.conftest import encode, mentor, person


def test_scores_are_in_unit_interval_or_excluded(cohort) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    block = scorer.block(np.arange(mentees.n))
    finite = np.isfinite(block)
    assert finite.mean() > 0.5
    assert (block[finite] >= 0).all() and (block[finite] <= 1).all()
    assert np.isneginf(block[~finite]).all()


def test_single_block_and_pair_paths_agree(cohort) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    es = np.arange(0, mentees.n, 7)
    block = scorer.block(es)
    for i, e in enumerate(es):
        np.testing.assert_allclose(scorer.scores(int(e)), block[i], rtol=0, atol=1e-6)
    rows = np.repeat(es, mentors.n)
    cols = np.tile(np.arange(mentors.n), len(es))
    np.testing.assert_allclose(scorer.pairs(rows, cols), block.ravel(), rtol=0, atol=1e-6)
    subset = np.array([5, 1, 77, 3])
    np.testing.assert_allclose(scorer.scores(0, subset), block[0, subset], rtol=0, atol=1e-6)


def test_components_reproduce_the_score(cohort) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    weights = scorer.settings.weights
    for e, m in [(0, 0), (5, 17), (42, 99), (299, 119)]:
        parts = scorer.components(e, m)
        judged = {c: v for c, v in parts.items() if v is not None}
        assert all(0 <= v <= 1 for v in judged.values())
        expected = sum(weights.of(c) * v for c, v in judged.items()) / sum(
            weights.of(c) for c in judged
        )
        score = scorer.scores(e)[m]
        if np.isfinite(score):
            assert score == pytest.approx(expected, abs=1e-6)
        else:
            assert scorer.hard_rules(e, m)


def test_closer_specialty_scores_higher() -> None:
    mentees, mentors = encode(
        [person("asha", specialties=("paediatric-cardiology",))],
        [
            mentor("same", specialties=("paediatric-cardiology",)),
            mentor("parent", specialties=("paediatrics",)),
            mentor("sibling", specialties=("neonatology",)),
            mentor("other", specialties=("dermatology",)),
        ],
    )
    parts = [Scorer(mentees, mentors).components(0, m)[Component.SPECIALTY] for m in range(4)]
    assert parts == [1.0, pytest.approx(0.7), pytest.approx(0.5), pytest.approx(0.1)]


def test_competency_prefers_the_zone_of_proximal_development() -> None:
    mentees, mentors = encode(
        [person("asha", competencies={"research-methods": 2}, targets={"research-methods": 4})],
        [
            mentor(f"m{level}", competencies={"research-methods": level})
            for level in (1, 2, 3, 4, 5)
        ],
    )
    scorer = Scorer(mentees, mentors)
    values = [scorer.components(0, m)[Component.COMPETENCY] for m in range(5)]
    assert values == [0.0, 0.0, 1.0, 1.0, pytest.approx(0.7)]


@pytest.mark.parametrize(
    ("program", "mentor_rank", "expected"),
    [
        (ProgramFormat.ONE_TO_ONE, 4, 1.0),
        (ProgramFormat.ONE_TO_ONE, 1, 0.0),
        (ProgramFormat.PEER, 2, 1.0),
        (ProgramFormat.PEER, 4, 0.25),
        (ProgramFormat.REVERSE, 0, 1.0),
        (ProgramFormat.REVERSE, 5, 0.0),
        (ProgramFormat.NEAR_PEER, 3, 1.0),
    ],
)
def test_career_direction_follows_the_programme_format(program, mentor_rank, expected) -> None:
    mentees, mentors = encode(
        [person("asha", career_rank=2)], [mentor("m", career_rank=mentor_rank)]
    )
    scorer = Scorer(mentees, mentors, ProgramSettings(format=program))
    assert scorer.components(0, 0)[Component.CAREER] == pytest.approx(expected)


def test_schedule_compares_hours_across_timezones() -> None:
    # 19:00 in Chennai is 13:30 UTC; 13:00-17:00 in London is 13:00-17:00 UTC in January.
    mentees, mentors = encode(
        [person("asha", timezone="Asia/Kolkata", preferred_slots=("weekday_evening",))],
        [
            mentor("leeds", timezone="Europe/London", preferred_slots=("weekday_afternoon",)),
            mentor("pune", timezone="Asia/Kolkata", preferred_slots=("weekday_evening",)),
            mentor("night", timezone="Asia/Kolkata", preferred_slots=("weekend_morning",)),
        ],
    )
    scorer = Scorer(mentees, mentors)
    leeds, pune, night = (scorer.components(0, m)[Component.SCHEDULE] for m in range(3))
    assert pune == 1.0
    assert 0 < leeds < 1
    assert night == 0.0


def test_in_person_only_depends_on_place() -> None:
    mentees, mentors = encode(
        [person("asha", meeting_formats=("in_person",), city="Chennai", country="IN")],
        [
            mentor("here", meeting_formats=("in_person",), city="chennai ", country="IN"),
            mentor("country", meeting_formats=("in_person",), city="Pune", country="IN"),
            mentor("abroad", meeting_formats=("in_person",), city="Leeds", country="GB"),
            mentor("remote", meeting_formats=("video",)),
        ],
    )
    scorer = Scorer(mentees, mentors)
    values = [scorer.components(0, m)[Component.FORMAT] for m in range(4)]
    assert values == [1.0, 0.5, pytest.approx(0.1), 0.0]


def test_missing_mentee_data_drops_the_component_and_rescales() -> None:
    mentees, mentors = encode(
        [person("sparse", specialties=(), goals="", targets={}, preferred_slots=())],
        [mentor("m")],
    )
    scorer = Scorer(mentees, mentors)
    parts = scorer.components(0, 0)
    assert parts[Component.SPECIALTY] is None
    assert parts[Component.GOALS] is None
    assert parts[Component.COMPETENCY] is None
    assert parts[Component.SCHEDULE] is None
    assert 0 <= scorer.scores(0)[0] <= 1


def test_weights_change_the_ranking() -> None:
    people = [person("asha", specialties=("paediatric-cardiology",), languages=("ta",))]
    pool = [
        mentor("specialist", specialties=("paediatric-cardiology",), languages=("ta", "en")),
        mentor(
            "speaker",
            specialties=("dermatology",),
            languages=("ta",),
            goals="prepare for fellowship applications in paediatric cardiology",
        ),
    ]
    mentees, mentors = encode(people, pool)
    default = Scorer(mentees, mentors).scores(0)
    goals_only = Scorer(
        mentees,
        mentors,
        ProgramSettings(
            weights=Weights.from_mapping(
                dict.fromkeys(
                    (
                        "specialty",
                        "profession",
                        "competency",
                        "career",
                        "language",
                        "schedule",
                        "format",
                        "availability",
                        "role",
                    ),
                    0.0,
                )
                | {"goals": 1.0}
            )
        ),
    ).scores(0)
    assert default[0] > default[1]
    assert goals_only[1] > goals_only[0]


def test_weights_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        Weights(specialty=-1)
    with pytest.raises(ValueError):
        Weights.from_mapping({"charisma": 1.0})


RULE_CASES = [
    (person("asha"), mentor("asha"), HardRule.SELF),
    (person("asha", conflicts=frozenset({"m"})), mentor("m"), HardRule.CONFLICT),
    (person("asha"), mentor("m", conflicts=frozenset({"asha"})), HardRule.CONFLICT),
    (person("asha"), mentor("m", assesses=frozenset({"asha"})), HardRule.ASSESSES),
    (person("asha", supervisor="m"), mentor("m"), HardRule.SUPERVISOR),
    (person("asha", supervisor="boss"), mentor("m", supervisor="boss"), HardRule.SAME_SUPERVISOR),
    (person("asha"), mentor("m", verified=False), HardRule.UNVERIFIED),
    (person("asha"), mentor("m", capacity=2, active_mentees=2), HardRule.NO_CAPACITY),
    (
        person("asha", languages=("ta",)),
        mentor("m", languages=("hi",)),
        HardRule.NO_SHARED_LANGUAGE,
    ),
]


@pytest.mark.parametrize(("mentee", "pool_mentor", "rule"), RULE_CASES)
def test_hard_rules_exclude_the_pair_everywhere(mentee, pool_mentor, rule) -> None:
    mentees, mentors = encode([mentee], [pool_mentor, mentor("fine")])
    scorer = Scorer(mentees, mentors)
    assert scorer.hard_rules(0, 0) == [rule]
    assert scorer.hard_rules(0, 1) == []
    single, block = scorer.scores(0), scorer.block(np.array([0]))[0]
    pair = scorer.pairs(np.array([0, 0]), np.array([0, 1]))
    for values in (single, block, pair):
        assert np.isneginf(values[0]) and np.isfinite(values[1])


def test_peer_programmes_do_not_need_mentor_capacity_or_verification() -> None:
    mentees, mentors = encode([person("asha")], [person("ravi", career_rank=2)])
    assert np.isneginf(Scorer(mentees, mentors).scores(0)[0])
    peer = Scorer(mentees, mentors, ProgramSettings(format=ProgramFormat.PEER))
    assert np.isfinite(peer.scores(0)[0])


def test_unknown_vocabulary_and_bad_timezone_do_not_fail() -> None:
    mentees, mentors = encode(
        [person("asha", specialties=("made-up",), timezone="Mars/Olympus", languages=("xx",))],
        [mentor("m", specialties=("made-up",), languages=("xx",))],
    )
    scorer = Scorer(mentees, mentors)
    assert scorer.components(0, 0)[Component.SPECIALTY] == 1.0
    assert 0 <= scorer.scores(0)[0] <= 1


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    weights=st.lists(st.floats(0, 5), min_size=10, max_size=10).filter(lambda w: sum(w) > 0.01),
)
def test_property_scores_in_range_for_any_weights(seed, weights) -> None:
    names = [
        "specialty",
        "profession",
        "goals",
        "competency",
        "career",
        "language",
        "schedule",
        "format",
        "availability",
        "role",
    ]
    mentees, mentors = encode(
        synthetic.people(6, seed=seed), synthetic.people(9, role="mentor", seed=seed)
    )
    scorer = Scorer(
        mentees,
        mentors,
        ProgramSettings(weights=Weights.from_mapping(dict(zip(names, weights, strict=True)))),
    )
    block = scorer.block(np.arange(6))
    finite = block[np.isfinite(block)]
    assert ((finite >= -1e-6) & (finite <= 1 + 1e-6)).all()
