"""A coordinator creates a programme from a template and imports its participants."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.programs.models import Enrollment, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = b"email,role,capacity\nasha@example.org,mentee,\nvikram@example.org,mentor,2\nnobody@example.org,mentee,\n"


def test_coordinator_creates_a_programme_and_imports_participants(
    page: Page, live_server, coordinator, mentee, mentor, sign_in
) -> None:
    sign_in(coordinator)
    page.goto(f"{live_server.url}/programs/new/?template=digital-adoption")
    page.get_by_label("Name").fill("EHR champions 2030")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="EHR champions 2030")).to_be_visible()
    program = Program.objects.get(name="EHR champions 2030")
    assert (program.focus, program.template) == ("digital", "digital-adoption")

    page.get_by_role("link", name="Import participants").click()
    page.set_input_files(
        "input[name=file]", files=[{"name": "cohort.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_have_text("2 people will be enrolled and approved.")
    expect(page.get_by_role("cell", name=re.compile("nobody@example.org"))).to_be_visible()
    assert not Enrollment.objects.exists()  # a preview changes nothing

    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#report")).to_contain_text("2 enrolled")
    assert set(Enrollment.objects.values_list("user__email", "role", "status", "capacity")) == {
        ("asha@example.org", "mentee", "approved", 0),
        ("vikram@example.org", "mentor", "approved", 2),
    }
