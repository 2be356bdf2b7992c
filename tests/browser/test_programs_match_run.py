"""A coordinator runs a match, forbids and locks pairs, re-runs and publishes."""

import pytest
from playwright.sync_api import Page, expect

from carementor.matching.models import MatchRun, PairRule
from carementor.matching.tests.conftest import make_mentee, make_mentor, verify
from carementor.mentorships.models import Mentorship
from carementor.profiles.models import Profile
from carementor.programs.tests.conftest import enroll, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page: Page) -> None:
    """Let the quality chart finish loading: the live server shares one SQLite connection
    between threads, so overlapping requests would trip over each other's savepoints."""
    page.wait_for_load_state("networkidle")


def test_coordinator_runs_adjusts_and_publishes(
    page: Page, live_server, hospital, coordinator, mentee, mentor, sign_in
) -> None:
    program = make_program(
        hospital, name="Residents 2030", matching_mode="coordinator", verification_kind="licence"
    )
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    Profile.objects.update_or_create(user=mentee, defaults={"goals": "paediatric cardiology"})
    ravi = make_mentee(hospital, "ravi@example.org", "Ravi Kumar", goals="research methods")
    meera = make_mentor(hospital, "meera@example.org", "Meera Iyer", goals="research methods")
    enroll(program, mentee, "mentee")
    enroll(program, ravi, "mentee")
    enroll(program, mentor, "mentor", capacity=1)
    enroll(program, meera, "mentor", capacity=1)

    sign_in(coordinator)
    page.goto(f"{live_server.url}/programs/{program.code}/")
    page.get_by_role("link", name="Match runs and pairing").click()
    page.get_by_label("Stable (nobody would rather swap)").check()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name="Proposals")).to_be_visible()
    settle(page)
    row = page.get_by_role("row").filter(has_text="Asha Raman")
    expect(row).to_contain_text("Vikram Mehta")
    expect(row).to_contain_text("Shared goals and interests")

    # Forbid Asha with Vikram, lock Ravi with him instead, and run again.
    row.get_by_role("button", name="Forbid").click()
    expect(page.get_by_text("Pair rule saved; it applies from the next run.")).to_be_visible()
    settle(page)
    page.get_by_role("row").filter(has_text="Ravi Kumar").get_by_role(
        "link", name="Change mentor"
    ).click()
    page.get_by_role("row").filter(has_text="Ravi Kumar").get_by_label(
        "Other mentor"
    ).select_option(label="Vikram Mehta")
    # Vikram has one place, still held by Asha in this draft: the swap is refused.
    page.get_by_role("row").filter(has_text="Ravi Kumar").get_by_role("button", name="Swap").click()
    expect(page.get_by_role("alert")).to_have_text(
        "This mentor's free places are all taken in this run."
    )
    settle(page)
    page.get_by_role("link", name="Match runs").first.click()
    rules = page.locator("#rules")
    rules.get_by_label("Mentee", exact=True).select_option(label="Ravi Kumar")
    rules.get_by_label("Mentor", exact=True).select_option(label="Vikram Mehta")
    rules.get_by_role("button", name="Lock pair").click()
    expect(page.get_by_role("cell", name="Locked")).to_be_visible()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("row").filter(has_text="Ravi Kumar")).to_contain_text("Vikram Mehta")
    expect(page.get_by_role("row").filter(has_text="Asha Raman")).to_contain_text("Meera Iyer")
    settle(page)
    assert set(PairRule.objects.values_list("kind", flat=True)) == {"lock", "forbid"}

    page.get_by_role("button", name="Publish these matches").click()
    expect(page.get_by_text("Matches published; everyone has been told.")).to_be_visible()
    run = MatchRun.objects.get(status="published")
    assert run.proposals.count() == 2
    pairs = {
        frozenset(p.user.full_name for p in m.parties.all())
        for m in Mentorship.objects.filter(source="match_run")
    }
    assert pairs == {
        frozenset({"Ravi Kumar", "Vikram Mehta"}),
        frozenset({"Asha Raman", "Meera Iyer"}),
    }
