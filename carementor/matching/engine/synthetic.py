"""Synthetic populations that look like real ones, for tests, benchmarks and demos.

Built from the vocabularies the profiles app ships (professions, specialties with their
tree, competencies, languages) with a fixed seed: doctors and nurses dominate, a few
specialties are far more common than the rest, most people in India speak English and one
regional language, mentors are senior and mentees junior, and some mentors are much more
popular than others.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from carementor.matching.engine.people import (
    MeetingFormat,
    MentoringRole,
    Person,
    Slot,
    Taxonomy,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "profiles" / "data"

PROFESSION_MIX = {
    "medicine": 0.42,
    "nursing": 0.30,
    "pharmacy": 0.07,
    "dentistry": 0.05,
    "ayush": 0.05,
    "allied": 0.07,
    "informatics": 0.02,
    "management": 0.01,
    "education": 0.01,
}
# (timezone, country, cities, main languages, weight)
REGIONS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], float]] = [
    ("Asia/Kolkata", "IN", ("Chennai", "Madurai", "Coimbatore"), ("ta",), 0.12),
    ("Asia/Kolkata", "IN", ("Pune", "Mumbai", "Nagpur"), ("mr", "hi"), 0.14),
    ("Asia/Kolkata", "IN", ("Kochi", "Thiruvananthapuram"), ("ml",), 0.08),
    ("Asia/Kolkata", "IN", ("Jaipur", "Jodhpur"), ("hi", "raj"), 0.08),
    ("Asia/Kolkata", "IN", ("Delhi", "Lucknow", "Patna"), ("hi",), 0.18),
    ("Asia/Kolkata", "IN", ("Bengaluru", "Mysuru"), ("kn",), 0.08),
    ("Asia/Kolkata", "IN", ("Hyderabad", "Vijayawada"), ("te",), 0.08),
    ("Asia/Kolkata", "IN", ("Kolkata",), ("bn",), 0.07),
    ("Europe/London", "GB", ("Leeds", "Manchester", "London"), (), 0.12),
    ("Africa/Lagos", "NG", ("Lagos", "Ibadan"), ("yo",), 0.03),
    ("America/New_York", "US", ("New York", "Boston"), ("es",), 0.02),
]
GOAL_PHRASES = (
    "prepare for fellowship applications",
    "pass my specialty board exams",
    "start a research project and publish",
    "learn to write a grant proposal",
    "grow into a leadership role",
    "lead a quality improvement project",
    "use the new electronic health record well",
    "adopt AI scribe tools safely",
    "run telehealth clinics",
    "improve work-life balance on night shifts",
    "build resilience and avoid burnout",
    "become a better clinical teacher",
    "plan my career after residency",
    "move into health informatics",
    "improve communication with patients and families",
    "learn point-of-care ultrasound",
    "return to practice after a career break",
    "mentor students in my department",
    "understand data literacy and dashboards",
    "prepare for a move abroad",
)
ROLE_VALUES = [r.value for r in MentoringRole]
SLOT_VALUES = [s.value for s in Slot]
FORMAT_VALUES = [f.value for f in MeetingFormat]


@cache
def vocabulary(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((DATA_DIR / f"{name}.json").read_text("utf-8"))
    return rows


def taxonomy() -> Taxonomy:
    rows = vocabulary("specialties")
    return Taxonomy(
        specialty_parent={r["code"]: r.get("parent") for r in rows},
        specialty_group={r["code"]: r["profession_group"] for r in rows},
    )


def _zipf(n: int, s: float, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return rng.permutation(weights / weights.sum())


def _draw(weights: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Independent draws from a discrete distribution (with replacement), vectorised."""
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    return np.minimum(np.searchsorted(cumulative, rng.random(shape)), len(weights) - 1)


def people(
    n: int,
    *,
    role: str = "mentee",
    seed: int = 0,
    prefix: str | None = None,
    capacity: tuple[int, int] = (1, 5),
) -> list[Person]:
    """`n` mentees or mentors with realistic mixes; the same seed gives the same people."""
    rng = np.random.default_rng([seed, 0 if role == "mentee" else 1])
    mentor = role != "mentee"
    prefix = prefix if prefix is not None else role[:2]
    professions = vocabulary("professions")
    specialties = vocabulary("specialties")
    competencies = [c["code"] for c in vocabulary("competencies")]
    groups = list(PROFESSION_MIX)
    by_group_prof = {g: [p["code"] for p in professions if p["group"] == g] for g in groups}
    by_group_spec = {
        g: [s["code"] for s in specialties if s["profession_group"] == g] for g in groups
    }
    spec_weights = {g: _zipf(len(v), 1.1, rng) for g, v in by_group_spec.items() if v}

    group_of = _draw(np.array(list(PROFESSION_MIX.values())), (n,), rng)
    prof_pick = rng.integers(0, 1 << 30, n)
    spec_count = _draw(np.array([3.0, 2.0, 1.0]), (n,), rng) + 1
    spec_draws = {g: _draw(w, (n, 3), rng) for g, w in spec_weights.items()}
    region_of = _draw(np.array([r[4] for r in REGIONS]), (n,), rng)
    city_pick = rng.integers(0, 1 << 30, n)
    english = rng.random(n) < 0.93
    local_first = rng.random(n) < 0.5
    rank_mix = [0.02, 0.03, 0.1, 0.2, 0.3, 0.3, 0.05] if mentor else [0.3, 0.15, 0.35, 0.15, 0.05]
    ranks = _draw(np.array(rank_mix), (n,), rng)
    rated = _draw(_zipf(len(competencies), 0.8, rng), (n, 7), rng)
    rated_count = rng.integers(3, 8, n)
    level_step = rng.integers(0, 3, (n, 7))
    target_count = rng.integers(1, 4, n)
    target_step = rng.integers(1, 3, (n, 7))
    goal_picks = rng.integers(0, len(GOAL_PHRASES), (n, 3))
    goal_count = rng.integers(1, 4, n)
    slot_picks = rng.integers(0, len(SLOT_VALUES), (n, 3))
    slot_count = rng.integers(1, 4, n)
    format_draw = rng.random((n, len(FORMAT_VALUES)))
    format_odds = np.array([0.85 if f == "video" else 0.35 for f in FORMAT_VALUES])
    extra_roles = rng.random((n, 3)) < 0.25
    sought_of = _draw(np.array([0.7, 0.15, 0.1, 0.05]), (n,), rng)
    popularity = rng.pareto(2.0, size=n)
    hours = rng.integers(1, 9, n)
    has_supervisor = rng.random(n) < 0.3
    supervisor_of = rng.integers(0, max(1, n // 20), n)
    verified = rng.random(n) < 0.97
    lo, hi = capacity

    result = []
    for i in range(n):
        group = groups[group_of[i]]
        profs = by_group_prof[group]
        spec_pool = by_group_spec.get(group, [])
        specs: tuple[str, ...] = ()
        if spec_pool:
            drawn = spec_draws[group][i, : spec_count[i]]
            specs = tuple(dict.fromkeys(spec_pool[j] for j in drawn))
        tz, country, cities, langs, _ = REGIONS[region_of[i]]
        spoken = ["en", *langs] if english[i] or not langs else list(langs)
        if local_first[i] and len(spoken) > 1:
            spoken[0], spoken[1] = spoken[1], spoken[0]
        base = 3 if mentor else 1
        codes = list(dict.fromkeys(competencies[j] for j in rated[i, : rated_count[i]]))
        levels = {c: int(min(5, base + level_step[i, k])) for k, c in enumerate(codes)}
        targets = (
            {}
            if mentor
            else {
                c: int(min(5, levels[c] + target_step[i, k]))
                for k, c in enumerate(codes[: target_count[i]])
            }
        )
        phrases = dict.fromkeys(GOAL_PHRASES[j] for j in goal_picks[i, : goal_count[i]])
        goals = "I want to " + "; ".join(phrases)
        if specs:
            goals += " in " + specs[0].replace("-", " ")
        slots = tuple(dict.fromkeys(SLOT_VALUES[j] for j in slot_picks[i, : slot_count[i]]))
        formats = tuple(
            f for f, d, p in zip(FORMAT_VALUES, format_draw[i], format_odds, strict=True) if d < p
        ) or ("video",)
        offered: tuple[str, ...] = ()
        sought: tuple[str, ...] = ()
        if mentor:
            offered = (
                "mentor",
                *(r for r, x in zip(ROLE_VALUES[1:4], extra_roles[i], strict=True) if x),
            )
        else:
            sought = (ROLE_VALUES[sought_of[i]],)
        result.append(
            Person(
                key=f"{prefix}{i}",
                profession=profs[prof_pick[i] % len(profs)],
                profession_group=group,
                specialties=specs,
                career_rank=int(ranks[i]),
                years_in_practice=int(ranks[i]) * 4,
                languages=tuple(spoken),
                timezone=tz,
                preferred_slots=slots,
                meeting_formats=formats,
                country=country,
                city=cities[city_pick[i] % len(cities)],
                competencies=levels,
                targets=targets,
                goals=goals,
                roles_offered=offered,
                roles_sought=sought,
                capacity=int(min(hi, lo + popularity[i])) if mentor else 0,
                hours_per_month=int(hours[i]) if mentor else None,
                supervisor=f"sup{supervisor_of[i]}" if has_supervisor[i] else None,
                verified=bool(verified[i]) if mentor else False,
            )
        )
    return result
