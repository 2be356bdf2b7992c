"""A coordinator reads the programme dashboard: figures, a trend chart with its table, export."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carementor.mentorships.models import Mentorship, MentorshipParty, Phase
from carementor.programs.tests.conftest import enroll, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_the_dashboard(
    page: Page, sign_in, coordinator, mentor, mentee, hospital
) -> None:
    program = make_program(hospital, name="Residents 2026", roles=["mentor", "sponsor"])
    enroll(program, mentor, "mentor", capacity=2)
    enroll(program, mentee, "mentee")
    mentorship = Mentorship.objects.create(
        program=program,
        organization=hospital,
        role="sponsor",
        source="request",
        phase=Phase.ACTIVE,
        activated_at=timezone.now(),
    )
    MentorshipParty.objects.create(mentorship=mentorship, user=mentor, role="mentor")
    MentorshipParty.objects.create(mentorship=mentorship, user=mentee, role="mentee")

    sign_in(coordinator)
    page.goto(page.url.replace("/dashboard/", f"/programs/{program.code}/"))
    page.get_by_role("link", name="Programme dashboard").click()
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    glance = page.get_by_role("region", name="At a glance")
    expect(glance.get_by_role("row", name=re.compile("Match rate"))).to_contain_text("100%")
    expect(page.get_by_role("img", name="Relationships started")).to_be_visible()
    expect(page.get_by_role("region", name="Relationships by phase and role")).to_contain_text(
        "Sponsor"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == f"dashboard-{program.code}.csv"
