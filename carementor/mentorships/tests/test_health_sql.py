"""The oversight list computes health in the database: the same answers as `health_for` on
one mentorship, and a number of queries that does not grow with the rows."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from carementor.lib.testing import add_member, assert_flat_queries, make_user
from carementor.mentorships.health import health_for, health_queryset, page_health
from carementor.mentorships.models import (
    ActionItem,
    Agreement,
    HelpRequest,
    Meeting,
    MeetingStatus,
    Mentorship,
    Phase,
)
from carementor.mentorships.services import agreement_sign
from carementor.mentorships.tests.helpers import make_mentorship

_serial = itertools.count()


def _varied(program, mentor, index):  # type: ignore[no-untyped-def]
    """A mentorship whose counts depend on ``index``: meetings, actions, help, signatures."""
    mentee = make_user(f"mentee{next(_serial)}@example.org", full_name=f"Mentee {index}")
    add_member(mentee, program.organization)
    mentorship = make_mentorship(program, mentor, mentee)
    now = timezone.now()
    day = dt.timedelta(days=1)
    if index % 3 == 1:  # one signature of two: one pending
        agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    if index % 3 == 2:  # in force (none pending); amended on odd rows: both pending again
        for signer in (mentee, mentor):
            agreement_sign(mentorship=mentorship, signer=signer, version=1)
        if index % 2:
            Agreement.objects.create(mentorship=mentorship, version=2)
    for k in range(index % 4):
        Meeting.objects.create(
            mentorship=mentorship,
            starts_at=now - (k + 1) * day,
            status=MeetingStatus.HELD if k % 2 == 0 else MeetingStatus.SCHEDULED,
        )
    for k in range(index % 5):
        ActionItem.objects.create(
            mentorship=mentorship,
            title=f"Action {k}",
            owner=mentee,
            due_on=(now - (k - 1) * day).date(),
            done_at=now if k == 3 else None,
        )
    if index % 4 == 3:
        HelpRequest.objects.create(mentorship=mentorship, requested_by=mentee)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        created_at=now - (index * 7) * day,
        activated_at=(now - (index * 6) * day) if index % 3 == 2 else None,
        phase=Phase.ACTIVE if index % 3 == 2 else Mentorship.objects.get(pk=mentorship.pk).phase,
        last_meeting_at=(now - index * day) if index % 2 else None,
    )
    return mentorship


def test_page_health_equals_health_for(program, mentor, hospital):
    for index in range(12):
        _varied(program, mentor, index)
    now = timezone.now()
    rows = page_health(health_queryset(hospital), now=now)
    assert len(rows) == 12
    pending = set()
    for row, health in rows:
        alone = health_for(Mentorship.objects.get(pk=row.pk), now=now)
        assert health == alone, row.code
        pending.add(health.pending_signatures)
    assert pending == {0, 1, 2}  # every signature case was exercised


@pytest.mark.parametrize("at_risk", ["", "1"])
def test_health_page_queries_flat(login, coordinator, program, mentor, hospital, at_risk):
    client = login(coordinator)
    made = itertools.count()

    def add(k):  # type: ignore[no-untyped-def]
        for _ in range(k):
            _varied(program, mentor, 3 + 4 * next(made))  # help asked: always at risk

    assert_flat_queries(
        lambda: client.get(f"/mentorships/oversee/{hospital.code}/?at_risk={at_risk}"), add
    )


@pytest.mark.parametrize("at_risk", ["false", "true"])
def test_oversee_api_queries_flat(login, coordinator, program, mentor, hospital, at_risk):
    client = login(coordinator)
    made = itertools.count()

    def add(k):  # type: ignore[no-untyped-def]
        for _ in range(k):
            _varied(program, mentor, 3 + 4 * next(made))

    assert_flat_queries(
        lambda: client.get(f"/api/v1/mentorships/oversee/{hospital.code}?at_risk={at_risk}"), add
    )
