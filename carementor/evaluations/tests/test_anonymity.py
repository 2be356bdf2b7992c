"""No admin screen, and no concurrent request, can undo anonymity or answer twice."""

import threading

import pytest
from django.contrib import admin
from django.db import connection, connections

from carementor.evaluations.models import Answer, HasResponded, Response
from carementor.evaluations.services import EvaluationError, response_submit
from carementor.evaluations.tests.core_helpers import active_mentorship, assign, full_answers
from carementor.lib.testing import give_mfa, make_user
from carementor.mentorships.tests.helpers import make_program


@pytest.fixture
def superuser(db):
    user = make_user("root@example.org", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


@pytest.mark.django_db
def test_admin_shows_no_respondent_and_cannot_change_responses(
    login, superuser, hospital, mentor, mentee
):
    program = make_program(hospital)
    mentorship = active_mentorship(program, mentor, mentee)
    assignment = assign(mentee, program, mentorship=mentorship)
    response_submit(assignment=assignment, user=mentee, answers=full_answers(assignment.instrument))
    response = Response.objects.get()
    client = login(superuser)
    listing = client.get("/admin/evaluations/response/").content.decode()
    assert "Mentoring relationship quality" in listing
    page = client.get(f"/admin/evaluations/response/{response.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mentee.get_full_name() not in text and mentee.email not in text
    assert 'name="respondent"' not in text and 'name="mentorship"' not in text
    model_admin = admin.site._registry[Response]
    assert not {"respondent", "mentorship"} & set(model_admin.get_fields(None))
    assert not model_admin.has_change_permission(None) and not model_admin.has_add_permission(None)
    # The "who answered" record and the raw answers have no admin screens at all.
    assert HasResponded not in admin.site._registry and Answer not in admin.site._registry
    assert client.get("/admin/evaluations/hasresponded/").status_code == 404
    assignments = client.get("/admin/evaluations/surveyassignment/").content.decode()
    assert "responded" not in assignments.lower()


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_store_one_response(hospital, mentor, mentee):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")
    program = make_program(hospital)
    mentorship = active_mentorship(program, mentor, mentee)
    assignment = assign(mentee, program, mentorship=mentorship)
    answers = full_answers(assignment.instrument)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            response_submit(assignment=assignment, user=mentee, answers=answers)
            outcomes.append("ok")
        except EvaluationError as exc:
            outcomes.append(f"{exc.status}:{exc.code}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["409:answered", "ok"]
    assert Response.objects.count() == 1 and HasResponded.objects.count() == 1
    assert Answer.objects.count() == assignment.instrument.items.count()


@pytest.mark.django_db
def test_admin_freezes_answered_instruments(login, superuser):
    from carementor.evaluations.tests.core_helpers import library

    shipped = library("mentee-outcomes")
    client = login(superuser)
    page = client.get(f"/admin/evaluations/instrument/{shipped.pk}/change/").content.decode()
    assert 'name="items-0-text"' not in page
    assert 'name="anonymity"' not in page
    assert client.get(f"/admin/evaluations/instrument/{shipped.pk}/delete/").status_code == 403
