"""Closing a mentorship or answering the closure survey issues the certificate at once, without
waiting for the scheduled `certificates_issue` run."""

from django.utils import timezone

from carementor.certificates.models import Certificate
from carementor.certificates.tests.helpers import progress, rule
from carementor.evaluations.services import response_submit
from carementor.evaluations.tests.core_helpers import assign, full_answers, library
from carementor.mentorships.models import Mentorship, Phase
from carementor.mentorships.services import mentorship_close
from carementor.mentorships.tests.helpers import make_mentorship


def test_closing_the_mentorship_then_answering_the_survey_issues_at_once(
    program, mentor, mentee, django_capture_on_commit_callbacks
):
    rule(program, "mentee", meetings_held=1, closure_survey=True)
    rule(program, "mentor", meetings_held=1)
    mentorship = progress(make_mentorship(program, mentor, mentee), meetings=1)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        phase=Phase.CLOSING, closing_started_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_close(mentorship=mentorship, user=mentee, outcome="achieved", reflection="")
    # The mentor's rules are met on closure; the mentee still owes the closure survey.
    assert list(Certificate.objects.values_list("holder__email", "role")) == [
        (mentor.email, "mentor")
    ]
    survey = assign(mentee, program, "mentee-outcomes", mentorship=mentorship)
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(
            assignment=survey, user=mentee, answers=full_answers(library("mentee-outcomes"))
        )
    assert Certificate.objects.filter(holder=mentee, role="mentee").exists()
