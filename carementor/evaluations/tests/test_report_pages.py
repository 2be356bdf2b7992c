"""The outcome report page, its PDF and exports: managers only, threshold everywhere."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from carementor.audit.models import AuditEvent
from carementor.evaluations.tests.test_report_analytics import (
    answered,
    library,
    outcomes_for,
    people,
)
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    program = make_program(hospital)
    outcomes_for(program, people(6))
    relationship = library("relationship-quality")
    for user in people(3, "r"):  # too few: withheld everywhere
        answered(program, relationship, "closure", user, {"support": 4, "challenge": 2})
    return program


def test_the_coordinator_reads_the_report_with_charts_and_tables(login, coordinator, program):
    response = login(coordinator).get(f"/evaluations/programs/{program.code}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Did it work? Yes in Professional practice, Personal well-being, Development" in html
    assert html.count('<svg role="img"') >= 3
    assert "<caption>" in html and 'scope="row"' in html
    # Nothing the CSP would block: no style attributes, no inline script.
    assert not re.search(r'\sstyle="|<script>', html)
    assert "+1.25" in html
    # The relationship survey had three answers: withheld, no counts.
    assert "Not shown: fewer than 5 responses in this view." in html
    assert "Answers to Mentee outcome survey (CSV)" in html
    assert "Answers to Mentoring relationship quality" not in html


def test_participants_get_403_and_strangers_404(login, mentee, outsider, program, client):
    assert login(mentee).get(f"/evaluations/programs/{program.code}/report/").status_code == 403
    for path in ("report/", "report.pdf", "results.csv", "results.xlsx"):
        assert (
            login(outsider).get(f"/evaluations/programs/{program.code}/{path}").status_code == 404
        )
    client.logout()
    assert client.get(f"/evaluations/programs/{program.code}/report/").status_code == 302


def test_a_cohort_filter_that_would_reveal_a_small_group_is_withheld(login, coordinator, hospital):
    program = make_program(hospital)
    crowd = people(13)
    outcomes_for(program, crowd[:6], cohort="2025-Q4")
    outcomes_for(program, crowd[6:12], cohort="2026-Q1")
    outcomes_for(program, crowd[12:], cohort="2026-Q2")
    client = login(coordinator)
    hidden = client.get(f"/evaluations/programs/{program.code}/report/?cohort=2026-Q2")
    assert "Not shown: fewer than 5 responses at baseline and closure" in hidden.content.decode()
    # The complement of the one-person cohort is withheld too, in the CSV as well.
    data = client.get(f"/evaluations/programs/{program.code}/results.csv?cohort=2025-Q4")
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8-sig"))))
    outcome = [r for r in rows if r["section"] == "outcome"]
    assert outcome and all(r["note"] == "fewer than 5 responses" for r in outcome)
    assert all(r["change"] == "" for r in outcome)


def test_csv_and_xlsx_carry_aggregates_and_withhold_small_groups(login, coordinator, program):
    client = login(coordinator)
    response = client.get(f"/evaluations/programs/{program.code}/results.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    practice = next(r for r in rows if r["section"] == "outcome" and r["measure"] == "practice")
    assert float(practice["change"]) == pytest.approx(1.25)
    assert practice["effect_type"] == "d_av" and practice["n"] == "6"
    quadrant = [r for r in rows if r["section"] == "quadrant"]
    assert quadrant == [{**quadrant[0], "n": "", "change": "", "note": "fewer than 5 responses"}]
    assert not any("@example.org" in value for r in rows for value in r.values())
    book = load_workbook(
        io.BytesIO(client.get(f"/evaluations/programs/{program.code}/results.xlsx").content)
    )
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["section", "instrument", "group", "measure"]
    assert sheet.max_row == len(rows) + 1


def test_the_pdf_is_a4_with_the_report(login, coordinator, program):
    response = login(coordinator).get(f"/evaluations/programs/{program.code}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Outcome report" in text and "Professional practice" in text
    assert "fewer than 5 responses" in text
    # The charts are drawn as PNG images (quick for WeasyPrint), not as SVG.
    assert any(p.images for p in reader.pages)


def test_named_answers_export_is_audited_and_anonymous_ones_do_not_exist(
    login, coordinator, mentee, program
):
    client = login(coordinator)
    named = library("mentee-outcomes")
    response = client.get(f"/evaluations/programs/{program.code}/answers/{named.code}.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["respondent_email"] for r in rows} == {f"p{i}@example.org" for i in range(6)}
    event = AuditEvent.objects.get(action="evaluation.answers_exported")
    assert event.detail == {"instrument": named.code, "rows": len(rows)}
    anonymous = library("relationship-quality")
    assert (
        client.get(f"/evaluations/programs/{program.code}/answers/{anonymous.code}.csv").status_code
        == 404
    )
    assert (
        login(mentee)
        .get(f"/evaluations/programs/{program.code}/answers/{named.code}.csv")
        .status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="evaluation.answers_exported").count() == 1
