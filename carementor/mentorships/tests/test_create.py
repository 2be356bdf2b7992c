"""mentorship_create, capacity counting and the access gate."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.audit.models import AuditEvent
from carementor.mentorships.models import Agreement, Mentorship, Phase
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.services import MentorshipError, mentorship_create
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.notifications.models import Notification


def test_create_makes_a_proposed_mentorship_with_a_draft_agreement(
    program, mentor, mentee, on_commit
):
    with on_commit():
        mentorship = mentorship_create(
            program=program,
            mentors=[mentor],
            mentees=[mentee],
            role="coach",
            actor=mentee,
            source="request",
        )
    assert (mentorship.phase, mentorship.role, mentorship.organization) == (
        Phase.PROPOSED,
        "coach",
        program.organization,
    )
    assert mentorship.mentors() == [mentor] and mentorship.mentees() == [mentee]
    agreement = Agreement.objects.get(mentorship=mentorship)
    assert agreement.version == 1 and agreement.body == "We meet monthly for a year."
    assert "patient safety" in agreement.confidentiality
    assert AuditEvent.objects.filter(action="mentorship.created", actor=mentee).count() == 1
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        mentor.email,
        mentee.email,
    }
    assert sorted(m.to[0] for m in mail.outbox) == [mentee.email, mentor.email]


def test_flash_programs_skip_the_agreement(hospital, mentor, mentee):
    program = make_program(hospital, format="flash")
    mentorship = make_mentorship(program, mentor, mentee, source="speed_event")
    assert mentorship.phase == Phase.ACTIVE and mentorship.activated_at is not None
    assert not Agreement.objects.exists()


def test_group_mentorship(program, mentor, mentee, reviewer):
    mentorship = make_mentorship(program, mentor, mentee, mentees=[mentee, reviewer])
    assert set(mentorship.mentees()) == {mentee, reviewer}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "guru"},
        {"source": "magic"},
        {"mentors": []},
        {"mentees": []},
    ],
)
def test_bad_input_writes_nothing(program, mentor, mentee, kwargs):
    args = {
        "program": program,
        "mentors": [mentor],
        "mentees": [mentee],
        "role": "mentor",
        "actor": mentee,
        "source": "request",
        **kwargs,
    }
    with pytest.raises(MentorshipError):
        mentorship_create(**args)
    assert not Mentorship.objects.exists()


def test_same_person_cannot_be_both(program, mentor):
    with pytest.raises(MentorshipError):
        make_mentorship(program, mentor, mentor)
    assert not Mentorship.objects.exists()


def test_coordinator_source_needs_a_coordinator(program, mentor, mentee, coordinator, outsider):
    with pytest.raises(PermissionDenied):
        mentorship_create(
            program=program,
            mentors=[mentor],
            mentees=[mentee],
            role="mentor",
            actor=outsider,
            source="coordinator",
        )
    made = mentorship_create(
        program=program,
        mentors=[mentor],
        mentees=[mentee],
        role="mentor",
        actor=coordinator,
        source="coordinator",
    )
    assert made.created_by == coordinator


def test_counting_against_capacity(program, hospital, mentor, mentee, reviewer):
    first = make_mentorship(program, mentor, mentee)
    make_mentorship(program, mentor, reviewer)
    other_program = make_program(hospital, name="Research")
    make_mentorship(other_program, mentor, mentee)
    # Being a mentee does not count against mentor capacity.
    make_mentorship(program, reviewer, mentor)
    assert Mentorship.objects.counting_against_capacity(program, mentor).count() == 2
    Mentorship.objects.filter(pk=first.pk).update(phase=Phase.CLOSED, closed_at=first.created_at)
    assert Mentorship.objects.counting_against_capacity(program, mentor).count() == 1


def test_gate(mentorship, mentor, mentee, coordinator, org_admin, reviewer, outsider):
    code = mentorship.code
    assert get_mentorship_for(mentee, code, as_party=True) == mentorship
    assert get_mentorship_for(mentor, code, as_party=True) == mentorship
    assert get_mentorship_for(coordinator, code) == mentorship
    assert get_mentorship_for(org_admin, code) == mentorship
    for user, as_party in [
        (coordinator, True),
        (org_admin, True),
        (reviewer, False),
        (outsider, False),
    ]:
        with pytest.raises(Http404):
            get_mentorship_for(user, code, as_party=as_party)
    with pytest.raises(Http404):
        get_mentorship_for(mentee, "missing")


def test_coordinator_pairing_takes_a_place_and_refuses_a_full_mentor(
    program, mentor, mentee, reviewer, coordinator
):
    from carementor.programs.models import Enrollment

    seat = Enrollment.objects.create(
        program=program, user=mentor, role="mentor", status="approved", capacity=1
    )
    args = {"program": program, "mentors": [mentor], "role": "mentor", "actor": coordinator}
    mentorship_create(mentees=[mentee], source="coordinator", **args)
    seat.refresh_from_db()
    assert seat.seats_taken == 1
    with pytest.raises(MentorshipError) as error:
        mentorship_create(mentees=[reviewer], source="coordinator", **args)
    assert (error.value.status, error.value.code) == (409, "full")
    assert Mentorship.objects.count() == 1


def test_coordinator_may_pair_a_member_who_is_not_enrolled_as_a_mentor(
    program, mentor, mentee, coordinator
):
    mentorship = mentorship_create(
        program=program,
        mentors=[mentor],
        mentees=[mentee],
        role="mentor",
        actor=coordinator,
        source="coordinator",
    )
    assert mentorship.mentors() == [mentor]
