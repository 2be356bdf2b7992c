"""Completion rules, each requirement met and not met."""

import pytest

from carementor.certificates.completion import checklist, participant_roles
from carementor.certificates.tests.helpers import progress, rule
from carementor.mentorships.tests.helpers import make_mentorship
from carementor.programs.models import Enrollment

pytestmark = pytest.mark.django_db


def keys(found):  # type: ignore[no-untyped-def]
    return {item.key: item.done for item in found.items}


def test_no_rule_means_no_completion(program, finished, mentee):
    found = checklist(mentee, program, "mentee")
    assert not found.has_rule and not found.complete and found.items == ()


def test_finished_mentorship_meets_every_mentorship_requirement(program, finished, mentee, mentor):
    rule(program, "mentee", meetings_held=3, goals_achieved=2, all_goals_achieved=True)
    found = checklist(mentee, program, "mentee")
    assert keys(found) == {
        "agreement_signed": True,
        "meetings_held": True,
        "goals_achieved": True,
        "all_goals_achieved": True,
        "mentorship_ended": True,
    }
    assert found.complete
    assert found.completed_on == finished.closed_at.date()
    assert found.started_on is not None and found.started_on <= found.completed_on
    # The mentor's checklist counts the same mentorship, under the mentor's own rule.
    rule(program, "mentor", meetings_held=4)
    assert not checklist(mentor, program, "mentor").complete


def test_unsigned_agreement_is_missing(program, mentor, mentee):
    progress(make_mentorship(program, mentor, mentee), signed=False, closed=True)
    rule(program, "mentee")
    found = checklist(mentee, program, "mentee")
    assert keys(found) == {"agreement_signed": False, "mentorship_ended": True}
    assert [item.key for item in found.remaining] == ["agreement_signed"]
    assert found.completed_on is None


def test_meetings_count_only_when_held(program, mentor, mentee):
    mentorship = progress(make_mentorship(program, mentor, mentee), meetings=1)
    rule(program, "mentee", meetings_held=2, mentorship_ended=False)
    found = checklist(mentee, program, "mentee")
    assert keys(found)["meetings_held"] is False
    assert found.items[1].progress == "1 of 2"
    progress(mentorship, meetings=1, signed=False)
    assert checklist(mentee, program, "mentee").complete


def test_goals_open_are_listed_as_remaining(program, mentor, mentee):
    progress(
        make_mentorship(program, mentor, mentee),
        goals=("Present a case",),
        open_goals=("Pass the exam",),
    )
    rule(program, "mentee", goals_achieved=1, all_goals_achieved=True, mentorship_ended=False)
    found = checklist(mentee, program, "mentee")
    assert keys(found) == {
        "agreement_signed": True,
        "goals_achieved": True,
        "all_goals_achieved": False,
    }
    assert found.items[2].remaining == ("Pass the exam",)


def test_all_goals_needs_at_least_one_goal(program, mentor, mentee):
    progress(make_mentorship(program, mentor, mentee))
    rule(program, "mentee", all_goals_achieved=True, mentorship_ended=False)
    assert keys(checklist(mentee, program, "mentee"))["all_goals_achieved"] is False


def test_open_mentorship_has_not_ended(program, mentor, mentee):
    progress(make_mentorship(program, mentor, mentee), meetings=5)
    rule(program, "mentee")
    assert keys(checklist(mentee, program, "mentee"))["mentorship_ended"] is False


def test_other_programmes_mentorships_do_not_count(program, hospital, mentor, mentee):
    from carementor.certificates.tests.helpers import cpd_program, finished_mentorship

    other = cpd_program(hospital, name="Another programme")
    finished_mentorship(other, mentor, mentee)
    rule(program, "mentee")
    assert not checklist(mentee, program, "mentee").complete


def test_roles_come_from_mentorships_and_approved_enrolments(program, mentor, mentee, reviewer):
    make_mentorship(program, mentor, mentee)  # proposed: not yet a role
    assert participant_roles(mentee, program) == []
    progress(program.mentorships.get(), signed=True)
    assert participant_roles(mentee, program) == ["mentee"]
    assert participant_roles(mentor, program) == ["mentor"]
    Enrollment.objects.create(
        program=program, user=reviewer, role="both", status=Enrollment.Status.APPROVED
    )
    assert participant_roles(reviewer, program) == ["mentee", "mentor"]
    Enrollment.objects.filter(user=reviewer).update(status=Enrollment.Status.APPLIED)
    assert participant_roles(reviewer, program) == []
