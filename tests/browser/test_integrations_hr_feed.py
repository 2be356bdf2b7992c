"""An organization admin sets up an HR feed, uploads the staff list, reads the dry run's diff
and applies it; the joiner becomes a member."""

import pytest
from playwright.sync_api import Page, expect

from carementor.accounts.models import User
from carementor.organizations.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_dry_runs_and_applies_an_hr_feed(
    page: Page, live_server, hospital, org_admin, sign_in, tmp_path, settings
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "Emp No,Official Email,Employee Name,Department\n"
        "E-1,kavya@cmc.example,Kavya Menon,Paediatrics\n"
    )
    sign_in(org_admin)
    page.goto(f"{live_server.url}/organizations/{hospital.code}/")
    page.get_by_role("link", name="HR feeds").first.click()
    expect(page.get_by_role("heading", name="Add a feed")).to_be_visible()
    page.get_by_label("Feed name").fill("Workday staff")
    page.get_by_label("Column for: Employee number").fill("Emp No")
    page.get_by_label("Column for: E-mail address").fill("Official Email")
    page.get_by_label("Column for: Full name").fill("Employee Name")
    page.get_by_label("Column for: Department").fill("Department")
    page.get_by_role("button", name="Save feed").click()
    expect(page.get_by_role("heading", name="Workday staff")).to_be_visible()

    page.get_by_label("Staff list (CSV or XLSX)").set_input_files(str(staff))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file was stored.")).to_be_visible()
    page.get_by_role("button", name="Run a dry run now").click()
    expect(page.get_by_role("cell", name="Kavya Menon")).to_be_visible()
    expect(page.get_by_role("cell", name="New account and membership")).to_be_visible()

    page.get_by_label("I checked the joiners, changes and leavers above; apply them.").check()
    page.get_by_role("button", name="Apply this run").click()
    expect(page.locator("#run-status")).to_have_text("Applied")
    kavya = User.objects.get(email="kavya@cmc.example")
    assert Membership.objects.filter(user=kavya, organization=hospital).exists()
