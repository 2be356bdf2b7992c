"""The outcome report's analytics and PDF are computed once per state of the answers and
refreshed in the background when an answer arrives."""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from pypdf import PdfReader

from carementor.evaluations import analytics, report_cache
from carementor.evaluations.anonymity import Filters
from carementor.evaluations.services import response_submit
from carementor.evaluations.tests.core_helpers import active_mentorship, assign, full_answers
from carementor.evaluations.tests.test_report_analytics import outcomes_for, people
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    program = make_program(hospital)
    outcomes_for(program, people(6))
    return program


@pytest.fixture
def computed(monkeypatch):  # type: ignore[no-untyped-def]
    """Counts the analytics and PDFs actually computed (not read from the cache)."""
    from carementor.evaluations import pdf

    counts = {"analytics": 0, "pdf": 0}
    real_analytics, real_pdf = analytics.program_analytics, pdf.outcome_pdf

    def counted_analytics(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["analytics"] += 1
        return real_analytics(*args, **kwargs)

    def counted_pdf(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["pdf"] += 1
        return real_pdf(*args, **kwargs)

    monkeypatch.setattr(analytics, "program_analytics", counted_analytics)
    monkeypatch.setattr(pdf, "outcome_pdf", counted_pdf)
    return counts


def test_the_report_is_computed_once_while_the_answers_are_unchanged(program, computed):
    first = report_cache.analytics_for(program)
    again = report_cache.analytics_for(program)
    assert computed["analytics"] == 1
    assert again.responses == first.responses == 12
    assert again.program is program
    assert report_cache.pdf_for(program) == report_cache.pdf_for(program)
    assert computed == {"analytics": 1, "pdf": 1}
    # Another filter is another report.
    report_cache.analytics_for(program, Filters(cohort="2026-Q1"))
    assert computed["analytics"] == 2


def test_a_new_answer_changes_the_report_at_once(program, computed):
    before = report_cache.analytics_for(program)
    outcomes_for(program, people(2, "late"))  # bulk-written answers: no signal, new counts
    after = report_cache.analytics_for(program)
    assert computed["analytics"] == 2
    assert after.responses == before.responses + 4


def test_an_answer_refreshes_the_report_in_the_background(
    program, computed, mentor, mentee, django_capture_on_commit_callbacks
):
    mentorship = active_mentorship(program, mentor, mentee)
    assignment = assign(mentee, program, "relationship-quality", mentorship=mentorship)
    # The test task backend runs a task when it is enqueued (here: after commit).
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(
            assignment=assignment, user=mentee, answers=full_answers(assignment.instrument, 4)
        )
    assert computed == {"analytics": 1, "pdf": 1}  # computed by the task, not by a reader
    # The refresh renders the site's language; a reader in it finds the PDF ready.
    with translation.override(settings.LANGUAGE_CODE):
        data = report_cache.pdf_for(program)
    assert computed == {"analytics": 1, "pdf": 1}
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Outcome report" in text


def test_a_burst_of_answers_enqueues_one_refresh(program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            report_cache.answers_changed(program)
    assert len(callbacks) == 1
    cache.delete(f"evaluations:report:{program.code}:warming")
    with django_capture_on_commit_callbacks(execute=False) as later:
        report_cache.answers_changed(program)
    assert len(later) == 1


def test_the_pdf_and_page_views_use_the_cache(login, coordinator, program, computed):
    client = login(coordinator)
    for _ in range(2):
        assert client.get(f"/evaluations/programs/{program.code}/report.pdf").status_code == 200
        assert client.get(f"/evaluations/programs/{program.code}/report/").status_code == 200
        api = client.get(f"/api/v1/evaluations/programs/{program.code}/results/pdf")
        assert api.status_code == 200 and api.content.startswith(b"%PDF")
    assert computed == {"analytics": 1, "pdf": 1}
