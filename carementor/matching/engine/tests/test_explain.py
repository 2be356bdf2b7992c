"""Explanations: structured reasons that agree with the score, and readable sentences."""

import numpy as np
import pytest

from carementor.matching.engine import Scorer, explain
from carementor.matching.engine.tests.conftest import encode, mentor, person


def test_explanation_lists_reasons_with_codes_params_and_text() -> None:
    mentees, mentors = encode(
        [person("asha")],
        [mentor("vikram", languages=("en", "mr"), preferred_slots=("weekday_evening", "night"))],
    )
    scorer = Scorer(mentees, mentors)
    result = explain(
        scorer, "asha", "vikram", labels={"paediatric-cardiology": "Paediatric cardiology"}, top=10
    )
    assert result.eligible
    assert result.score == pytest.approx(float(scorer.scores(0)[0]), abs=1e-6)
    assert sum(result.contributions.values()) == pytest.approx(result.score, abs=1e-6)
    codes = {r.code: r for r in result.reasons}
    # Best first, by weight x value: 0.15 x 1.0, 0.2 x 0.7, 0.15 x 0.76, 0.1 x 1.0 …
    assert list(codes)[:4] == [
        "competency.zone",
        "specialty.related",
        "goals.shared",
        "career.ahead",
    ]
    assert codes["goals.shared"].text == (
        "Shared goals and interests: application, cardiology and fellowship."
    )
    assert codes["specialty.related"].params == {
        "mentee_specialty": "paediatrics",
        "mentor_specialty": "paediatric-cardiology",
    }
    assert (
        codes["specialty.related"].text
        == "Their specialty, Paediatric cardiology, is close to yours, paediatrics."
    )
    assert codes["competency.zone"].params == {"competencies": ["research-methods"]}
    assert codes["schedule.overlap"].text == "25 of your 25 preferred hours a week overlap."
    assert result.blocked_by == []
    assert codes["language.preferred"].text == "Speaks your preferred language (en)."
    assert result.summary().startswith("Can help you grow in research methods")
    assert len(explain(scorer, 0, 0).reasons) == 4


def test_soft_penalties_are_listed() -> None:
    mentees, mentors = encode(
        [person("asha", meeting_formats=("in_person",), roles_sought=("sponsor",))],
        [
            mentor(
                "far",
                meeting_formats=("video",),
                roles_offered=("coach",),
                preferred_slots=("weekend_morning",),
            )
        ],
    )
    result = explain(Scorer(mentees, mentors), 0, 0)
    codes = [r.code for r in result.penalties]
    assert "format.none" in codes and "schedule.none" in codes and "role.missing" in codes
    missing = next(r for r in result.penalties if r.code == "role.missing")
    assert missing.params == {"roles": ["sponsor"]}
    assert missing.text == "Does not offer what you are looking for (sponsor)."


def test_blocked_pair_explains_the_hard_rule() -> None:
    mentees, mentors = encode(
        [person("asha", supervisor="vikram")], [mentor("vikram", verified=False)]
    )
    result = explain(Scorer(mentees, mentors), "asha", "vikram")
    assert not result.eligible
    assert result.score == float("-inf")
    assert [r.code for r in result.blocked_by] == ["hard.supervisor", "hard.unverified"]
    assert result.summary() == (
        "One of you is the other's direct supervisor. The mentor's credentials are not verified yet."
    )


def test_explanations_agree_with_scores_on_a_cohort(cohort) -> None:
    mentees, mentors = cohort
    scorer = Scorer(mentees, mentors)
    rng = np.random.default_rng(0)
    for e, m in rng.integers(0, [mentees.n, mentors.n], size=(40, 2)):
        result = explain(scorer, int(e), int(m))
        score = float(scorer.scores(int(e))[m])
        if np.isfinite(score):
            assert result.eligible and result.score == pytest.approx(score, abs=1e-6)
            assert all(r.value is not None and r.value >= 0.6 for r in result.reasons)
        else:
            assert not result.eligible and result.blocked_by
