"""Participants are listed and paged in the database: the same people in the same roles as
the former in-memory list, and pages whose query count does not grow with the programme."""

import itertools

import pytest

from carementor.certificates.models import Role
from carementor.certificates.overview import participants
from carementor.certificates.tests.helpers import progress, rule
from carementor.lib.testing import add_member, assert_flat_queries, make_user
from carementor.mentorships.models import MentorshipParty, Phase
from carementor.mentorships.tests.helpers import make_mentorship
from carementor.programs.models import Enrollment

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def in_memory(program):  # type: ignore[no-untyped-def]
    """The list as it was computed before, in Python, as the reference."""
    pairs = set(
        MentorshipParty.objects.filter(mentorship__program=program)
        .exclude(mentorship__phase=Phase.PROPOSED)
        .values_list("user_id", "role")
    )
    for user_id, role in Enrollment.objects.filter(
        program=program, status=Enrollment.Status.APPROVED
    ).values_list("user_id", "role"):
        if role in ("mentee", "both"):
            pairs.add((user_id, Role.MENTEE))
        if role in ("mentor", "both"):
            pairs.add((user_id, Role.MENTOR))
    return pairs


def _person(hospital, name):  # type: ignore[no-untyped-def]
    user = make_user(f"p{next(_serial)}@example.org", full_name=name)
    add_member(user, hospital)
    return user


def test_participants_match_the_in_memory_list(program, hospital, mentor, mentee):
    progress(make_mentorship(program, mentor, mentee), meetings=1)
    proposed_only = _person(hospital, "Proposed Only")
    make_mentorship(program, mentor, proposed_only)  # a proposal: not taking part yet
    names = ["zoë Bala", "Ann Cole", "ann cole", "Bea Dutt", "Chen Ede"]
    statuses = ["approved", "approved", "applied", "approved", "withdrawn"]
    roles = ["both", "mentee", "mentor", "mentor", "mentee"]
    for name, status, role in zip(names, statuses, roles, strict=True):
        Enrollment.objects.create(
            program=program, user=_person(hospital, name), role=role, status=status
        )
    Enrollment.objects.create(program=program, user=mentee, role="both", status="approved")
    found = participants(program)
    assert set(found) == in_memory(program)
    assert len(found) == len(in_memory(program)) == 7
    listed = list(found)
    assert found[2:5] == listed[2:5]
    # by name, case-insensitive; one person's roles together, mentee first
    zoe = [role for _user, role in listed if _user == listed[-1][0]]
    assert zoe == ["mentee", "mentor"]


@pytest.mark.parametrize("api", [False, True])
def test_completion_queries_flat(login, coordinator, program, hospital, mentor, api):
    rule(program, "mentee", meetings_held=1, goals_achieved=1, modules_completed=True)
    rule(program, "mentor", meetings_held=1, closure_survey=True, quizzes_passed=True)
    client = login(coordinator)

    def add(k):  # type: ignore[no-untyped-def]
        for _ in range(k):
            trainee = _person(hospital, f"Trainee {next(_serial)}")
            progress(make_mentorship(program, mentor, trainee), meetings=1, goals=("Case",))

    url = (
        f"/api/v1/certificates/programs/{program.code}/completion"
        if api
        else f"/certificates/programs/{program.code}/completion/"
    )
    # Of the at most 21 (24 for the page, whose layout takes 3): 4 for the session, account and
    # MFA, 4 for the programme gate; the list itself takes 10 (participants and their count, rules, people,
    # parties with their agreement and meetings, goals, modules, tests, their progress
    # twice, survey answers, certificates), however many take part.
    assert_flat_queries(lambda: client.get(url), add, most=21 if api else 24)
