"""Answering a survey: validation, once only, and anonymity that holds in the database."""

import uuid
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from carementor.audit.models import AuditEvent
from carementor.evaluations import services
from carementor.evaluations.models import Answer, HasResponded, Response, SurveyAssignment
from carementor.evaluations.services import EvaluationError, has_answered, response_submit
from carementor.evaluations.tests.core_helpers import active_mentorship, assign, full_answers
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hospital):
    return make_program(hospital)


@pytest.fixture
def mentorship(program, mentor, mentee):
    return active_mentorship(program, mentor, mentee)


def test_anonymous_response_has_no_link_to_its_author(program, mentorship, mentee, mentor):
    assignment = assign(mentee, program, "relationship-quality", mentorship=mentorship)
    answers = full_answers(assignment.instrument, 4)
    answers["support_rushed"] = 1  # reverse-scored: counts as 5

    response_submit(assignment=assignment, user=mentee, answers=answers)

    response = Response.objects.get()
    assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
    assert response.respondent_id is None
    assert response.mentorship_id is None
    assert type(response.submitted_on) is date
    assert not any(f.get_internal_type() == "DateTimeField" for f in Response._meta.fields)
    assert response.scores["support"] == pytest.approx((4 * 4 + 5) / 5)
    # challenge_comfortable is reversed too: 4 counts as 2.
    assert response.scores["challenge"] == pytest.approx((4 * 4 + 2) / 5)
    assert response.cohort and response.format == program.format
    responded = HasResponded.objects.get()
    assert responded.pk == assignment.pk
    assert type(responded.responded_on) is date
    assert not any(f.get_internal_type() == "DateTimeField" for f in HasResponded._meta.fields)
    reversed_answer = Answer.objects.get(item__key="support_rushed")
    assert (reversed_answer.value, reversed_answer.score) == (1.0, 5.0)
    assert isinstance(reversed_answer.pk, uuid.UUID)
    assignment.refresh_from_db()
    assert assignment.status == "closed" and assignment.closed_at is None


def test_anonymous_audit_event_names_only_the_assignment(program, mentorship, mentee):
    assignment = assign(mentee, program, "relationship-quality", mentorship=mentorship)
    response_submit(assignment=assignment, user=mentee, answers=full_answers(assignment.instrument))
    response = Response.objects.get()
    events = AuditEvent.objects.filter(action="survey.answered")
    assert events.count() == 1
    event = events.get()
    assert event.target_id == assignment.code
    flat = f"{event.detail} {event.target_id}"
    assert str(response.pk) not in flat and response.pk.hex not in flat
    assert "/" not in str(event.detail)
    assert not AuditEvent.objects.filter(target_id__in=[str(response.pk), response.pk.hex]).exists()


def test_named_response_keeps_respondent_and_mentorship(program, mentorship, mentee):
    assignment = assign(
        mentee, program, "mentee-outcomes", mentorship=mentorship, occasion="baseline"
    )
    response_submit(
        assignment=assignment, user=mentee, answers=full_answers(assignment.instrument, 3)
    )
    response = Response.objects.get()
    assert response.respondent == mentee and response.mentorship == mentorship
    assert set(response.scores) == {"practice", "wellbeing", "development", "total"}
    assert Answer.objects.filter(response=response, item__key="comment").get().text


def test_second_submission_is_refused_and_writes_nothing(program, mentorship, mentee):
    assignment = assign(mentee, program, mentorship=mentorship)
    answers = full_answers(assignment.instrument)
    response_submit(assignment=assignment, user=mentee, answers=answers)
    with pytest.raises(EvaluationError) as err:
        response_submit(assignment=assignment, user=mentee, answers=answers)
    assert err.value.status == 409
    assert Response.objects.count() == 1 and HasResponded.objects.count() == 1


def test_database_forbids_two_has_responded_rows(program, mentorship, mentee):
    assignment = assign(mentee, program, mentorship=mentorship)
    HasResponded.objects.create(assignment=assignment, responded_on=date.today())
    with pytest.raises(IntegrityError), transaction.atomic():
        HasResponded.objects.create(assignment=assignment, responded_on=date.today())


@pytest.mark.parametrize(
    "change",
    [
        {"support_listens": 6},
        {"support_listens": 0},
        {"support_listens": 2.5},
        {"support_listens": "often"},
        {"support_listens": True},
        {"support_listens": None},
        {"no_such_item": 3},
    ],
)
def test_bad_answers_are_refused_with_422_and_nothing_is_written(
    program, mentorship, mentee, change
):
    assignment = assign(mentee, program, mentorship=mentorship)
    answers = {**full_answers(assignment.instrument), **change}
    with pytest.raises(EvaluationError) as err:
        response_submit(assignment=assignment, user=mentee, answers=answers)
    assert err.value.status == 422 and err.value.errors
    assert not Response.objects.exists() and not HasResponded.objects.exists()
    assert SurveyAssignment.objects.get().status == "open"


def test_closed_or_foreign_assignments_cannot_be_answered(program, mentorship, mentee, mentor):
    assignment = assign(mentee, program, mentorship=mentorship)
    answers = full_answers(assignment.instrument)
    with pytest.raises(EvaluationError) as err:
        response_submit(assignment=assignment, user=mentor, answers=answers)
    assert err.value.status == 404
    SurveyAssignment.objects.filter(pk=assignment.pk).update(status="closed")
    with pytest.raises(EvaluationError) as err:
        response_submit(assignment=assignment, user=mentee, answers=answers)
    assert err.value.code == "closed"
    assert not Response.objects.exists()


def test_has_answered_reads_the_closure_survey(program, mentorship, mentee):
    assert not has_answered(user=mentee, program=program, occasion="closure")
    assignment = assign(mentee, program, mentorship=mentorship, occasion="closure")
    assert not has_answered(user=mentee, program=program, occasion="closure")
    response_submit(assignment=assignment, user=mentee, answers=full_answers(assignment.instrument))
    assert has_answered(user=mentee, program=program, occasion="closure")
    assert not has_answered(user=mentee, program=program, occasion="baseline")


def test_min_group_size_defaults_to_5_and_never_goes_below_3(program, coordinator):
    assert services.min_group_size_for(program) == 5
    services.settings_update(program=program, user=coordinator, min_group_size=3)
    assert services.min_group_size_for(program) == 3
    with pytest.raises(EvaluationError):
        services.settings_update(program=program, user=coordinator, min_group_size=2)
    from carementor.evaluations.models import EvaluationSettings

    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationSettings.objects.filter(program=program).update(min_group_size=2)
