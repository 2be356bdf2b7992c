"""The national programme lead's dashboard: the figures across organizations, small cells
withheld, page, API, exports, access (lead, staff, members, outsider) and query count."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from carementor.insights.national import MIN_CELL, OrganizationRows
from carementor.lib.testing import (
    add_member,
    assert_flat_queries,
    give_mfa,
    make_organization,
    make_user,
)
from carementor.mentorships.models import Meeting, Mentorship, MentorshipParty, Phase
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
def national(db):  # type: ignore[no-untyped-def]
    return make_organization(
        "National Nursing Mentoring Mission", slug="nnmm", kind="national_program"
    )


@pytest.fixture
def lead(national):  # type: ignore[no-untyped-def]
    user = make_user("lead@example.org", full_name="Lakshmi Pillai")
    add_member(user, national, "coordinator")
    return user


@pytest.fixture
def programme(national, hospital, trust, mentor):  # type: ignore[no-untyped-def]
    """Five hospital mentees (three matched by the hospital's mentor), two trust mentees."""
    program = make_program(national, name="National nurse mentoring")
    program.partner_organizations.set([hospital, trust])
    enroll(program, mentor, "mentor", capacity=5)
    now = timezone.now()
    for i in range(5):
        person = make_user(f"h{i}@example.org", full_name=f"Hospital Nurse {i}")
        add_member(person, hospital)
        enroll(program, person, "mentee")
        if i < 3:
            m = relationship(
                program,
                mentor,
                person,
                role="mentor",
                phase=Phase.ACTIVE,
                activated_at=now - timedelta(days=10),
            )
            Meeting.objects.create(mentorship=m, starts_at=now - timedelta(days=2), status="held")
    for i in range(2):
        person = make_user(f"t{i}@example.org", full_name=f"Trust Nurse {i}")
        add_member(person, trust)
        enroll(program, person, "mentee")
    return program


def test_each_organization_gets_the_same_figures_and_small_ones_are_withheld(
    programme, hospital, trust
):
    rows = list(OrganizationRows(Program.objects.filter(pk=programme.pk)))
    assert [(r.name, r.participants) for r in rows] == [
        (hospital.name, 6),  # five mentees and the mentor
        (trust.name, 2),
    ]
    shown, small = rows
    assert shown.figures is not None and small.figures is None and MIN_CELL == 5
    f = shown.figures
    assert (f.mentees, f.matched, f.match_rate, f.active) == (5, 3, 0.6, 3)
    assert f.meetings_held == 3 and f.by_role == {"mentor": 3}
    assert f.months == []  # trends only for the programme as a whole


def test_the_lead_reads_the_page_api_and_exports(login, lead, national, programme, hospital, trust):
    client = login(lead)
    page = client.get(f"/programs/organizations/{national.code}/national/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Across organizations" in text
    assert escape(hospital.name) in text and escape(trust.name) in text
    assert "Fewer than 5 people take part: figures withheld." in text
    assert "60%" in text and "<svg" in text

    detail = client.get(f"/organizations/{national.code}/").content.decode()
    assert f"/programs/organizations/{national.code}/national/" in detail

    total = client.get(f"/api/v1/organizations/{national.code}/national-dashboard").json()
    assert total["mentees"] == 7 and total["matched"] == 3 and total["min_cell"] == 5
    assert total["organization"] == national.code
    listed = client.get(
        f"/api/v1/organizations/{national.code}/national-dashboard/organizations"
    ).json()
    assert listed["count"] == 2
    first, second = listed["items"]
    assert first["organization"] == hospital.code and first["figures"]["matched"] == 3
    assert second == {
        "organization": trust.code,
        "name": trust.name,
        "participants": 2,
        "withheld": True,
        "figures": None,
    }
    too_big = client.get(
        f"/api/v1/organizations/{national.code}/national-dashboard/organizations",
        {"page_size": 50},
    )
    assert too_big.status_code == 422

    response = client.get(f"/programs/organizations/{national.code}/national/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [hospital.name, "6", "5", "3", "60%"] == rows[-2][:5]
    assert rows[-1] == [trust.name, "2", "Fewer than 5 people take part: figures withheld."]
    book = load_workbook(
        io.BytesIO(
            client.get(f"/programs/organizations/{national.code}/national/export.xlsx").content
        )
    )
    assert book.sheetnames == ["Figures", "Trends", "Organizations", "About"]
    assert (
        client.get(f"/programs/organizations/{national.code}/national/export.pdf").status_code
        == 404
    )


def test_people_in_no_organization_have_their_own_row(programme, national):
    for i in range(MIN_CELL):
        enroll(programme, make_user(f"n{i}@example.org", full_name=f"Free Nurse {i}"), "mentee")
    rows = list(OrganizationRows(Program.objects.filter(pk=programme.pk)))
    assert rows[-1].code == "" and rows[-1].participants == MIN_CELL
    assert rows[-1].figures is not None and rows[-1].figures.mentees == MIN_CELL


def test_only_the_lead_and_platform_staff_get_in(
    login, lead, national, programme, hospital, outsider, org_admin, mentee
):
    page = f"/programs/organizations/{national.code}/national/"
    api = f"/api/v1/organizations/{national.code}/national-dashboard"
    # The outsider (an admin elsewhere) and a hospital admin: not members, 404.
    for stranger in (outsider, org_admin):
        client = login(stranger)
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404
        assert client.get(f"{api}/organizations").status_code == 404
        assert client.get(f"{page}export.csv").status_code == 404
    # A plain member of the national organization: 403.
    add_member(mentee, national)
    assert login(mentee).get(page).status_code == 403
    assert login(mentee).get(api).status_code == 403
    # An organization that runs no national programme has no such view, even for its admin.
    assert (
        login(org_admin).get(f"/programs/organizations/{hospital.code}/national/").status_code
        == 404
    )
    staff = make_user("staff@example.org", full_name="Neha Joshi", is_staff=True)
    give_mfa(staff)
    assert login(staff).get(page).status_code == 200
    assert login(lead).get(api).status_code == 200


def test_queries_do_not_grow_with_people_or_organizations(login, lead, national, programme, mentor):
    client = login(lead)
    counter = iter(range(10_000))
    # Fill the first page with organizations large enough to be shown.
    for k in range(11):
        org = make_organization(f"District hospital {k:02d}", slug=f"district-{k}")
        programme.partner_organizations.add(org)
        for _ in range(MIN_CELL):
            i = next(counter)
            person = make_user(f"d{i}@example.org", full_name=f"District Nurse {i}")
            add_member(person, org)
            enroll(programme, person, "mentee")

    def add(k: int) -> None:
        now = timezone.now()
        for _ in range(k):
            i = next(counter)
            org = make_organization(f"Zilla hospital {i}", slug=f"zilla-{i}")
            programme.partner_organizations.add(org)
            for _n in range(MIN_CELL):
                person = make_user(f"z{i}-{_n}@example.org", full_name=f"Zilla Nurse {i}")
                add_member(person, org)
                enroll(programme, person, "mentee")
                m = relationship(
                    programme,
                    mentor,
                    person,
                    role="mentor",
                    phase=Phase.ACTIVE,
                    activated_at=now - timedelta(days=10),
                )
                Meeting.objects.create(
                    mentorship=m, starts_at=now - timedelta(days=2), status="held"
                )

    url = f"/api/v1/organizations/{national.code}/national-dashboard/organizations"
    small, large = assert_flat_queries(lambda: client.get(url), add, n=1, most=250)
    assert small == large
    page = f"/programs/organizations/{national.code}/national/"
    assert_flat_queries(lambda: client.get(page), add, n=1, most=280)
