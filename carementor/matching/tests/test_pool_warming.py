"""No request builds a big mentor pool: seeding and invalidations enqueue the background build;
meanwhile requests get the last built pool, else a bounded stand-in."""

from typing import Any

import pytest

from carementor.matching import pools
from carementor.matching.suggestions import suggest
from carementor.matching.tests.conftest import make_mentor
from carementor.programs.tests.conftest import enroll

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process_copies() -> Any:
    pools._local.clear()
    pools._bounded.clear()
    yield
    pools._local.clear()
    pools._bounded.clear()


@pytest.fixture
def big(program: Any, cohort: dict[str, Any], hospital: Any, monkeypatch: Any) -> Any:
    """The cohort's programme with six mentors, counted as big (more than INLINE_BUILD)."""
    for i in range(4):
        user = make_mentor(hospital, f"big{i}@example.org", f"Big {i}", goals="research")
        enroll(program, user, "mentor", capacity=3 if i == 0 else 1)
    monkeypatch.setattr(pools, "INLINE_BUILD", 3)
    monkeypatch.setattr(pools, "BOUNDED_MENTORS", 2)
    return program


def test_a_big_missing_pool_is_built_in_the_background_not_in_the_request(
    big: Any, cohort: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stand_in = pools.get(big)
    assert stand_in.partial and stand_in.n == 2  # the bounded stand-in, not every mentor
    assert len(callbacks) == 1  # the background build, enqueued
    assert pools._load(big.code) is None  # nothing built or stored by the request
    # The stand-in has the mentors with the most free places, and still suggests.
    assert pools.get(big) is stand_in
    assert suggest(big, cohort["mentee"], k=5)
    callbacks[0]()  # the worker runs (the test backend runs a task when it is enqueued)
    full = pools.get(big)
    assert not full.partial and full.n == 6
    assert pools._bounded == {}


def test_an_invalidated_pool_is_served_until_its_successor_is_built(
    program: Any, cohort: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first = pools.get(program)  # small: built in the request
    assert not first.partial
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pools.invalidate(program)
    pools._local.clear()  # another process: only the cache is shared
    with django_capture_on_commit_callbacks(execute=False) as more:
        served = pools.get(program)
    assert served.build == first.build  # the last built version
    assert len(callbacks) + len(more) == 1  # one build enqueued, not one per request
    for callback in [*callbacks, *more]:
        callback()
    assert pools.get(program).build != first.build


def test_warm_enqueues_a_build_for_every_open_programme_with_mentors(
    big: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from carementor.programs.tests.conftest import make_program

    empty = make_program(big.organization, name="No mentors yet")
    with django_capture_on_commit_callbacks(execute=True):
        assert pools.warm() == 1
    assert pools._load(big.code).n == 6
    assert pools._load(empty.code) is None


def test_a_change_after_a_build_can_enqueue_the_next_build(
    program: Any, cohort: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pools.invalidate(program)  # built in the background
    built = pools._load(program.code)
    assert built is not None
    with django_capture_on_commit_callbacks(execute=True):
        pools.invalidate(program)  # not swallowed by the ten-minute guard
    assert pools._load(program.code).build != built.build
