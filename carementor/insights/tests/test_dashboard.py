"""The coordinator's programme dashboard: figures, page, API, exports, access, query count."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carementor.insights.figures import figures
from carementor.lib.testing import add_member, assert_flat_queries, make_user
from carementor.mentorships.models import Goal, Meeting, Mentorship, MentorshipParty, Phase
from carementor.programs.models import Program
from carementor.programs.tests.conftest import enroll, make_program

pytestmark = pytest.mark.django_db


def relationship(program: Program, mentor: Any, mentee: Any, **fields: Any) -> Mentorship:
    mentorship = Mentorship.objects.create(
        program=program, organization=program.organization, source="request", **fields
    )
    MentorshipParty.objects.bulk_create(
        [
            MentorshipParty(mentorship=mentorship, user=mentor, role="mentor"),
            MentorshipParty(mentorship=mentorship, user=mentee, role="mentee"),
        ]
    )
    return mentorship


@pytest.fixture
def program(hospital, mentor, mentee):  # type: ignore[no-untyped-def]
    program = make_program(hospital, roles=["mentor", "sponsor"], meeting_cadence_days=30)
    now = timezone.now()
    enroll(program, mentor, "mentor", capacity=5)
    enroll(program, mentee, "mentee")
    waiting = make_user("wait@example.org", full_name="Still Waiting")
    add_member(waiting, hospital)
    enroll(program, waiting, "mentee")
    sponsored = make_user("spons@example.org", full_name="Sponsored One")
    add_member(sponsored, hospital)
    enroll(program, sponsored, "mentee")
    active = relationship(
        program,
        mentor,
        mentee,
        role="mentor",
        phase=Phase.ACTIVE,
        activated_at=now - timedelta(days=60),
    )
    Meeting.objects.create(mentorship=active, starts_at=now - timedelta(days=20), status="held")
    Goal.objects.create(mentorship=active, title="Fellowship", status="achieved")
    Goal.objects.create(mentorship=active, title="Present a case")
    relationship(
        program,
        mentor,
        sponsored,
        role="sponsor",
        phase=Phase.CLOSED,
        outcome="achieved",
        activated_at=now - timedelta(days=200),
        closed_at=now - timedelta(days=3),
    )
    return program


def test_figures(program):
    f = figures(Program.objects.filter(pk=program.pk))
    assert (f.mentees, f.matched, f.match_rate) == (3, 2, 0.667)
    assert f.days_to_match is not None and f.days_to_match >= 0
    assert f.by_phase == {"active": 1, "closed": 1}
    assert f.by_role == {"mentor": 1, "sponsor": 1}
    assert f.meetings_held == 1 and f.meetings_per_relationship == 1.0
    assert f.meetings_expected_per_relationship == 2.0
    assert (f.goals_set, f.goals_met) == (2, 1)
    assert f.outcomes == {"achieved": 1}
    assert f.at_risk == 1  # no meeting for longer than the cadence
    assert sum(f.trends["relationships_started"]) == 2
    assert sum(f.trends["meetings_held"]) == 1
    assert sum(f.trends["relationships_closed"]) == 1
    assert len(f.months) == 12


def test_coordinator_reads_the_page_and_api(login, program, coordinator):
    client = login(coordinator)
    page = client.get(f"/programs/{program.code}/dashboard/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "Relationships started" in text and "67%" in text
    assert "Sponsor" in text
    body = client.get(f"/api/v1/programs/{program.code}/dashboard").json()
    assert body["matched"] == 2 and body["by_role"] == {"mentor": 1, "sponsor": 1}
    assert body["program"] == program.code
    detail = client.get(f"/programs/{program.code}/").content.decode()
    assert f"/programs/{program.code}/dashboard/" in detail


def test_exports(login, program, coordinator):
    client = login(coordinator)
    response = client.get(f"/programs/{program.code}/dashboard/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Match rate", "67%"] in rows and rows[-1][0] == rows[-1][0][:7]
    book = load_workbook(
        io.BytesIO(client.get(f"/programs/{program.code}/dashboard/export.xlsx").content)
    )
    assert book.sheetnames == ["Figures", "Trends", "About"]
    assert client.get(f"/programs/{program.code}/dashboard/export.pdf").status_code == 404


def test_strangers_and_members_are_kept_out(login, program, outsider, mentee):
    client = login(outsider)
    assert client.get(f"/programs/{program.code}/dashboard/").status_code == 404
    assert client.get(f"/api/v1/programs/{program.code}/dashboard").status_code == 404
    assert client.get(f"/programs/{program.code}/dashboard/export.csv").status_code == 404
    member = login(mentee)
    assert member.get(f"/programs/{program.code}/dashboard/").status_code == 403
    assert member.get(f"/api/v1/programs/{program.code}/dashboard").status_code == 403


def test_queries_do_not_grow_with_the_programme(login, program, coordinator, hospital, mentor):
    client = login(coordinator)
    counter = iter(range(10_000))

    def add(k: int) -> None:
        now = timezone.now()
        for _ in range(k):
            i = next(counter)
            person = make_user(f"p{i}@example.org", full_name=f"Person {i}")
            enroll(program, person, "mentee")
            m = relationship(
                program,
                mentor,
                person,
                role="mentor",
                phase=Phase.ACTIVE,
                activated_at=now - timedelta(days=10),
            )
            Meeting.objects.create(mentorship=m, starts_at=now - timedelta(days=2), status="held")

    assert_flat_queries(
        lambda: client.get(f"/api/v1/programs/{program.code}/dashboard"), add, most=30
    )
    assert_flat_queries(lambda: client.get(f"/programs/{program.code}/dashboard/"), add, most=40)


def test_organization_admins_read_all_programmes_together(
    login, program, org_admin, hospital, mentor, outsider, mentee
):
    other = make_program(hospital, name="Second programme")
    person = make_user("second@example.org", full_name="Second Mentee")
    enroll(other, person, "mentee")
    relationship(other, mentor, person, role="coach", phase=Phase.PROPOSED)
    client = login(org_admin)
    page = client.get(f"/programs/organizations/{hospital.code}/dashboard/")
    assert page.status_code == 200
    assert "Second programme" in page.content.decode()
    body = client.get(f"/api/v1/organizations/{hospital.code}/dashboard").json()
    assert body["mentees"] == 4 and body["by_role"] == {"mentor": 1, "sponsor": 1, "coach": 1}
    assert (
        login(outsider).get(f"/api/v1/organizations/{hospital.code}/dashboard").status_code == 404
    )
    member = login(mentee).get(f"/programs/organizations/{hospital.code}/dashboard/")
    assert member.status_code in (403, 404)
