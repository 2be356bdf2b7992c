"""The encoded mentor pool: same answers as a full recomputation, never a mentor who cannot be
asked, and a query count that does not grow with the pool."""

from typing import Any

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carementor.accounts.models import User
from carementor.credentials.models import Credential
from carementor.matching import pools
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Encoder, Scorer
from carementor.matching.engine.text import TfIdf
from carementor.matching.models import SuggestionMark
from carementor.matching.suggestions import (
    _passes,
    filter_mentors,
    mentor_enrollments,
    suggest,
)
from carementor.matching.tests.conftest import make_mentor, verify
from carementor.profiles.models import Language, Profession, Profile, Specialty
from carementor.programs.models import Enrollment, Program
from carementor.programs.tests.conftest import enroll, make_program

PROFESSIONS = ["physician", "registered-nurse", "midwife"]
SPECIALTIES = ["cardiology", "internal-medicine", "family-medicine", "endocrinology"]
LANGUAGES = ["en", "hi", "ta"]
WORDS = ["research", "cardiology", "leadership", "teaching", "paediatric", "quality", "ehr"]
SLOTS = ["weekday_morning", "weekday_evening", "weekend_morning"]
FORMATS = ["video", "phone", "in_person"]
ROLES = ["mentor", "coach", "advisor"]


def reference(
    program: Program, mentee: User, k: int, filters: dict[str, str], text: TfIdf
) -> list[tuple[str, float]]:
    """The old path: read and encode every eligible mentor now, score, sort by score then code.

    The goals model is the pool's, so that both sides weigh words alike (the pool fits it
    once per build; the old path refitted it on every request)."""
    marks = SuggestionMark.objects.filter(program=program, mentee=mentee, kind="dismiss")
    qs = filter_mentors(mentor_enrollments(program), filters).exclude(user=mentee)
    seats = {e.user_id: e for e in qs.exclude(user_id__in=marks.values("mentor_id"))}
    users = [
        u
        for u in adapter.users_with_profiles(User.objects.filter(pk__in=seats))
        if _passes(u, filters)
    ]
    if not users:
        return []
    mentors = [
        adapter.person(u, capacity=seats[u.pk].capacity, load=seats[u.pk].seats_taken)
        for u in users
    ]
    me = adapter.person(adapter.users_with_profiles(User.objects.filter(pk=mentee.pk)).get())
    encoder = Encoder(adapter.taxonomy(), text=text)
    scorer = Scorer(
        encoder.population([me]), encoder.population(mentors), adapter.program_settings(program)
    )
    scores = scorer.scores(0)
    ranked = sorted(
        (-float(s), u.code) for s, u in zip(scores, users, strict=True) if np.isfinite(s)
    )
    return [(code, -s) for s, code in ranked[:k]]


def found(
    program: Program, mentee: User, k: int, filters: dict[str, str]
) -> list[tuple[str, float]]:
    return [(s.user.code, s.score) for s in suggest(program, mentee, k=k, filters=filters)]


def assert_same(a: list[tuple[str, float]], b: list[tuple[str, float]]) -> None:
    assert [code for code, _s in a] == [code for code, _s in b]
    assert np.allclose([s for _c, s in a], [s for _c, s in b], atol=1e-5)


def person_st() -> Any:
    return st.fixed_dictionaries(
        {
            "profession": st.sampled_from(PROFESSIONS),
            "specialties": st.lists(st.sampled_from(SPECIALTIES), max_size=2, unique=True),
            "languages": st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2, unique=True),
            "goals": st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
            "slots": st.lists(st.sampled_from(SLOTS), max_size=2, unique=True),
            "formats": st.lists(st.sampled_from(FORMATS), max_size=2, unique=True),
            "roles": st.lists(st.sampled_from(ROLES), max_size=2, unique=True),
            "capacity": st.integers(0, 3),
            "taken": st.integers(0, 3),
            "paused": st.booleans(),
            "verified": st.booleans(),
            "dismissed": st.booleans(),
        }
    )


def write_profile(user: User, p: dict[str, Any]) -> None:
    profile, _created = Profile.objects.update_or_create(
        user=user,
        defaults={
            "profession": Profession.objects.get(code=p["profession"]),
            "goals": p["goals"],
            "preferred_slots": p["slots"],
            "meeting_formats": p["formats"],
            "roles_offered": p["roles"],
            "roles_sought": ["mentor"],
        },
    )
    profile.specialties.set(Specialty.objects.filter(code__in=p["specialties"]))
    profile.languages.set(Language.objects.filter(code__in=p["languages"]))


def add_mentor(program: Program, i: int, p: dict[str, Any], mentee: User) -> User:
    user = User.objects.create(email=f"m{i}@example.org", full_name=f"Mentor {i}")
    write_profile(user, p)
    if p["verified"]:
        verify(user, program.organization, number=f"{1000000 + i}")
    capacity = p["capacity"]
    enroll(
        program,
        user,
        "mentor",
        capacity=capacity,
        seats_taken=min(p["taken"], capacity),
        paused_at=timezone.now() if p["paused"] else None,
    )
    if p["dismissed"]:
        SuggestionMark.objects.create(program=program, mentee=mentee, mentor=user, kind="dismiss")
    return user


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "profession": st.sampled_from(PROFESSIONS),
        "specialty": st.sampled_from(SPECIALTIES),
        "language": st.sampled_from(LANGUAGES),
        "role": st.sampled_from(ROLES),
        "format": st.sampled_from(FORMATS),
        "slot": st.sampled_from(SLOTS),
    },
)


@pytest.mark.django_db
@settings(
    max_examples=20,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mentors=st.lists(person_st(), min_size=1, max_size=9),
    me=person_st(),
    k=st.integers(1, 6),
    filters=FILTERS,
    changes=st.lists(st.tuples(st.integers(0, 8), person_st()), max_size=3),
    newcomers=st.lists(person_st(), max_size=2),
)
def test_pool_top_k_equals_a_full_recomputation(
    hospital: Any,
    django_capture_on_commit_callbacks: Any,
    mentors: list[dict[str, Any]],
    me: dict[str, Any],
    k: int,
    filters: dict[str, str],
    changes: list[tuple[int, dict[str, Any]]],
    newcomers: list[dict[str, Any]],
) -> None:
    with transaction.atomic():
        program = make_program(hospital, verification_kind="licence")
        mentee = User.objects.create(email="me@example.org", full_name="Me")
        write_profile(mentee, me)
        enroll(program, mentee, "mentee")
        people = [add_mentor(program, i, p, mentee) for i, p in enumerate(mentors)]
        pool = pools.get(program)
        text = pool.mentors.encoder.text
        assert text is not None
        assert_same(
            found(program, mentee, k, filters), reference(program, mentee, k, filters, text)
        )

        # Change some mentors through the same saves the product makes, then newcomers.
        with django_capture_on_commit_callbacks(execute=True):
            for index, p in changes:
                user = people[index % len(people)]
                write_profile(user, p)
                seat = Enrollment.objects.get(program=program, user=user)
                seat.capacity = p["capacity"]
                seat.seats_taken = min(p["taken"], p["capacity"])
                seat.paused_at = timezone.now() if p["paused"] else None
                seat.save()
                if not p["verified"]:
                    for credential in Credential.objects.filter(holder=user):
                        credential.status = Credential.Status.REVOKED
                        credential.revoked_at = timezone.now()
                        credential.save()
            for offset, p in enumerate(newcomers):
                add_mentor(program, 100 + offset, p, mentee)
        pool = pools.get(program)
        assert pool.version >= (1 if changes or newcomers else 0)
        assert pool.mentors.encoder.text is text  # updated in place, not rebuilt
        assert_same(
            found(program, mentee, k, filters), reference(program, mentee, k, filters, text)
        )
        transaction.set_rollback(True)


def test_pool_is_built_once_and_updated_after_commit(
    program: Program, cohort: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first = pools.get(program)
    build, version = first.stamp
    assert pools.get(program) is first  # this process's copy, while the stamp holds
    with django_capture_on_commit_callbacks(execute=True):
        Profile.objects.filter(user=cohort["meera"]).get().save()
    again = pools.get(program)
    assert again.stamp == (build, version + 1)


# -- races: the database has the last word ----------------------------------------------------


def names(program: Program, mentee: User) -> list[str]:
    return [s.user.full_name for s in suggest(program, mentee, k=5)]


def test_a_mentor_who_fills_up_is_gone_at_once_even_if_the_pool_lags(
    program: Program, cohort: dict[str, Any]
) -> None:
    assert names(program, cohort["mentee"]) == ["Vikram Mehta", "Meera Iyer"]
    # Bulk SQL sends no signal, so the pool still believes Vikram has a place.
    Enrollment.objects.filter(user=cohort["vikram"]).update(seats_taken=1)
    row = pools.get(program).row_of_user[cohort["vikram"].pk]
    assert pools.get(program).eligible()[row]
    assert names(program, cohort["mentee"]) == ["Meera Iyer"]


def test_paused_and_revoked_mentors_are_never_suggested(
    program: Program, cohort: dict[str, Any], hospital: Any
) -> None:
    extra = [
        make_mentor(hospital, f"x{i}@example.org", f"Extra {i}", goals="paediatric cardiology")
        for i in range(12)
    ]
    for user in extra:
        enroll(program, user, "mentor")
    before = names(program, cohort["mentee"])
    assert len(before) == 5
    Enrollment.objects.filter(user=cohort["vikram"]).update(paused_at=timezone.now())
    Credential.objects.filter(holder__in=extra[:6]).update(
        status=Credential.Status.REVOKED, revoked_at=timezone.now()
    )
    after = [s.user for s in suggest(program, cohort["mentee"], k=5)]
    assert len(after) == 5  # refilled from further down the ranking
    assert cohort["vikram"] not in after and not set(after) & set(extra[:6])


def test_changes_through_services_reach_the_pool_after_commit(
    program: Program,
    cohort: dict[str, Any],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from carementor.programs.services import enrollment_set_capacity

    pool = pools.get(program)
    vikram = pool.row_of_user[cohort["vikram"].pk]
    assert pool.eligible()[vikram]
    seat = Enrollment.objects.get(user=cohort["vikram"])
    seat.seats_taken = 1
    with django_capture_on_commit_callbacks(execute=True):
        seat.save(update_fields=["seats_taken", "updated_at"])
    assert not pools.get(program).eligible()[vikram]
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_set_capacity(enrollment=seat, actor=coordinator, capacity=3)
    assert pools.get(program).eligible()[vikram]
    with django_capture_on_commit_callbacks(execute=True):
        Credential.objects.get(holder=cohort["vikram"]).delete()
    assert not pools.get(program).eligible()[vikram]
    assert names(program, cohort["mentee"]) == ["Meera Iyer"]


def test_stale_pool_is_rebuilt_in_the_background(
    program: Program, cohort: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pool = pools.get(program)
    pool.built_at -= pools.MAX_AGE * 2
    # The test task backend runs the rebuild as soon as it is enqueued (after commit).
    with django_capture_on_commit_callbacks(execute=True):
        assert pools.get(program).build == pool.build  # served as is ...
    assert pools.get(program).build != pool.build  # ... and replaced


# -- query counts --------------------------------------------------------------------------------


def _grow(program: Program, hospital: Any, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        user = make_mentor(hospital, f"g{i}@example.org", f"Grown {i}", goals="research")
        enroll(program, user, "mentor")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programs/{code}/suggestions?limit=10",
        "/api/v1/programs/{code}/suggestions?language=en&role=mentor",
        "/programs/{code}/mentors/",
        "/programs/{code}/mentors/?profession=physician&slot=weekday_evening",
    ],
)
def test_suggestions_cost_the_same_queries_whatever_the_pool(
    login: Any, program: Program, cohort: dict[str, Any], hospital: Any, url: str
) -> None:
    client = login(cohort["mentee"])
    path = url.format(code=program.code)

    def count() -> int:
        pools.forget(program)
        client.get(path)  # builds the pool (once)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    small = count()
    _grow(program, hospital, 12)
    assert count() == small <= 15


def test_a_mentee_read_in_two_queries_is_the_same_person(
    cohort: dict[str, Any], django_assert_num_queries: Any
) -> None:
    from carementor.profiles.models import Competency, ConflictOfInterest, ProfileCompetency

    asha = cohort["mentee"]
    write_profile(
        asha,
        {
            "profession": "physician",
            "specialties": ["cardiology", "endocrinology"],
            "languages": ["ta", "en", "hi"],
            "goals": "research leadership",
            "slots": ["night"],
            "formats": ["video"],
            "roles": [],
        },
    )
    profile = asha.profile
    for competency, target in zip(Competency.objects.all()[:2], (4, None), strict=True):
        ProfileCompetency.objects.create(
            profile=profile, competency=competency, level=2, target_level=target
        )
    ConflictOfInterest.objects.create(profile=profile, other_user=cohort["vikram"], description="x")
    expected = adapter.person(adapter.users_with_profiles(User.objects.filter(pk=asha.pk)).get())
    with django_assert_num_queries(2):
        assert adapter._read_person(asha.pk) == expected


def test_a_conflict_declared_now_hides_the_mentor_at_once(
    program: Program, cohort: dict[str, Any]
) -> None:
    from carementor.profiles.models import ConflictOfInterest

    assert names(program, cohort["mentee"]) == ["Vikram Mehta", "Meera Iyer"]
    ConflictOfInterest.objects.create(
        profile=Profile.objects.get(user=cohort["meera"]),
        other_user=cohort["mentee"],
        description="Meera is Asha's examiner",
    )
    assert names(program, cohort["mentee"]) == ["Vikram Mehta"]
