"""Runs read their people as plain values (``profiles_adapter.people``): the same engine
people as the model path, and a run computed from them is the same run."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carementor.accounts.models import User
from carementor.lib.testing import add_member, make_user
from carementor.matching import cohort_run
from carementor.matching import profiles_adapter as adapter
from carementor.matching.models import MatchRun
from carementor.matching.tests.conftest import make_mentee, make_mentor
from carementor.profiles.models import (
    Competency,
    ConflictOfInterest,
    Language,
    Profession,
    Profile,
    ProfileCompetency,
    Specialty,
)
from carementor.programs.tests.conftest import enroll

pytestmark = pytest.mark.django_db


def model_path(user_ids: Any) -> dict[int, Any]:
    """The reference: model instances with prefetched profiles, then `person` on each."""
    users = adapter.users_with_profiles(User.objects.filter(pk__in=list(user_ids)))
    return {u.pk: adapter.person(u) for u in users}


def rich_profile(user: Any, other: Any, *, languages: list[str], specialties: list[str]) -> None:
    profile, _created = Profile.objects.update_or_create(
        user=user,
        defaults={
            "profession": Profession.objects.get(code="physician"),
            "goals": "research leadership teaching",
            "interests": "quality",
            "city": "Chennai",
            "years_in_practice": 7,
            "hours_per_month": 4,
            "preferred_slots": ["weekday_evening", "weekend_morning"],
            "meeting_formats": ["video", "in_person"],
            "roles_offered": ["mentor", "coach"],
            "roles_sought": ["advisor"],
        },
    )
    profile.languages.set(Language.objects.filter(code__in=languages))
    profile.specialties.set(Specialty.objects.filter(code__in=specialties))
    for competency, target in zip(Competency.objects.all()[:3], (4, None, 5), strict=True):
        ProfileCompetency.objects.create(
            profile=profile, competency=competency, level=2, target_level=target
        )
    ConflictOfInterest.objects.create(profile=profile, other_user=other, description="x")
    ConflictOfInterest.objects.create(profile=profile, other_email="a@b.org", description="y")


def test_people_read_as_values_equal_the_model_path(
    hospital: Any, mentee: Any, mentor: Any
) -> None:
    rich_profile(mentee, mentor, languages=["ta", "en", "hi"], specialties=["cardiology"])
    rich_profile(mentor, mentee, languages=["hi"], specialties=["endocrinology", "family-medicine"])
    bare = make_user("bare@example.org", full_name="No Profile")  # no profile row at all
    empty = make_mentee(hospital, "empty@example.org", "Empty Profile")
    ids = [mentee.pk, mentor.pk, bare.pk, empty.pk]
    assert not Profile.objects.filter(user=bare).exists()
    expected = model_path(ids)
    found = adapter.people(ids)
    assert found == expected
    assert found[mentee.pk].languages == ("en", "hi", "ta")  # the vocabulary's order
    assert found[mentee.pk].conflicts == frozenset({mentor.code})
    assert found[mentee.pk].targets and found[mentee.pk].competencies


def test_people_cost_the_same_queries_however_many(hospital: Any) -> None:
    def count(n: int, start: int) -> int:
        ids = [
            make_mentor(hospital, f"p{i}@example.org", f"P {i}", goals="research").pk
            for i in range(start, start + n)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert len(adapter.people(ids)) == n
        return len(queries)

    assert count(2, 0) == count(9, 100) == 5


def test_with_seats_sets_a_mentors_places_only() -> None:
    base = adapter.people([])  # nothing asked, nothing read
    assert base == {}
    person = adapter._build("abc", "", None)
    seated = adapter.with_seats(person, capacity=3, load=1)
    assert (seated.capacity, seated.active_mentees, seated.key) == (3, 1, "abc")
    assert adapter.with_seats(person) is person


def test_a_run_from_bulk_people_equals_the_run_from_model_instances(
    monkeypatch: Any, run_cohort: dict[str, Any], hospital: Any
) -> None:
    program = run_cohort["program"]
    rich_profile(
        run_cohort["asha"], run_cohort["lina"], languages=["en"], specialties=["cardiology"]
    )
    rich_profile(
        run_cohort["meera"], run_cohort["ravi"], languages=["en", "hi"], specialties=["cardiology"]
    )
    for i in range(4):
        extra = make_mentee(hospital, f"x{i}@example.org", f"Extra {i}", goals="research methods")
        enroll(program, extra, "mentee")
    outsider = make_user("out@example.org", full_name="Outsider")
    add_member(outsider, hospital)

    def snapshot() -> tuple[Any, ...]:
        run = MatchRun.objects.create(program=program, mode="optimal")
        cohort_run.compute(run, progress=lambda done, total: None)
        run.refresh_from_db()
        proposals = sorted(
            run.proposals.values_list("mentee_id", "mentor_id", "score", "reasons", "locked")
        )
        stats = {k: v for k, v in run.stats.items() if k != "seconds"}
        return proposals, run.unmatched, stats

    bulk = snapshot()
    monkeypatch.setattr(adapter, "people", model_path)
    reference = snapshot()
    assert bulk == reference
    assert bulk[0] and all(reasons for *_r, reasons, _l in bulk[0])


def test_a_run_writes_its_proposals_in_one_stream_with_every_default(
    run_cohort: dict[str, Any],
) -> None:
    """The proposals go in through COPY on PostgreSQL (bulk_create on SQLite) and read back
    like saved rows: defaults, JSON reasons and the run's own link."""
    program = run_cohort["program"]
    run = MatchRun.objects.create(program=program, mode="optimal")
    cohort_run.compute(run, progress=lambda done, total: None)
    rows = list(run.proposals.all())
    assert rows and len(rows) == run.stats["matched"]
    for row in rows:
        assert row.published_at is None and row.mentorship_code == "" and row.skipped == ""
        assert isinstance(row.reasons, list) and row.reasons[0]["text"]
    # Written again (a resumed run), the proposals replace the old ones.
    cohort_run.compute(run, progress=lambda done, total: None)
    assert run.proposals.count() == len(rows)


def test_shared_reason_sentences_are_made_once_and_read_the_same() -> None:
    from carementor.matching.engine.explain import Reason

    names = {"cardiology": "Cardiology"}
    reasons = [
        Reason(code="specialty.same", text="x", params={"mentor_specialty": "cardiology"}),
        Reason(code="format.remote", text="y", params={"formats": ["video", "phone"]}),
        Reason(code="career.ahead", text="z", params={"gap": 2}),
    ]
    texts: dict[tuple[Any, ...], str] = {}
    first = adapter.reasons_json(reasons, names, texts)
    assert first == adapter.reasons_json(reasons, names)
    assert len(texts) == 3
    assert adapter.reasons_json(reasons, names, texts) == first and len(texts) == 3
