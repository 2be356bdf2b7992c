"""`seed_demo --national`: one programme with everybody enrolled, consistent as the services
would have left it."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.credentials.models import is_matchable
from carementor.demo.national import NAME, national_program
from carementor.evaluations.models import Answer, HasResponded, Response, SurveyAssignment
from carementor.matching.mentorships_bridge import open_mentorships
from carementor.mentorships.models import OPEN_PHASES, Meeting, Mentorship, Signature
from carementor.organizations.models import Membership, Organization
from carementor.programs.models import Enrollment

pytestmark = pytest.mark.django_db


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), seed=3, **options)
    return out.getvalue()


def program():  # type: ignore[no-untyped-def]
    return national_program({o.slug: o for o in Organization.objects.all()})


def test_the_small_demo_has_no_national_programme() -> None:
    seed(users=20)
    assert program() is None


def test_everybody_is_enrolled_and_counters_match_the_mentorships() -> None:
    output = seed(users=80, national=True)
    found = program()
    assert found is not None and found.name == NAME
    assert "National programme" in output

    staff = Membership.objects.filter(is_coordinator=True) | Membership.objects.filter(
        is_admin=True
    )
    generated = User.objects.filter(email__regex=r"@(indus-ims|pennine-nhs|vembanad-nursing)\.")
    enrolled = set(found.enrollments.values_list("user_id", flat=True))
    assert (
        set(generated.values_list("pk", flat=True)) - set(staff.values_list("user_id", flat=True))
        <= enrolled
    )
    assert not found.enrollments.exclude(status=Enrollment.Status.APPROVED).exists()

    mentors = list(found.enrollments.filter(role=Enrollment.Role.MENTOR).select_related("user"))
    assert len(mentors) >= 8
    for seat in mentors:
        assert is_matchable(seat.user, verification_kind=found.verification_kind)
        assert seat.capacity > 0
        # What the services recount under the lock at every accept or publish.
        assert seat.seats_taken == open_mentorships(found, seat.user, seat)
        assert seat.seats_taken <= seat.capacity
    assert not found.enrollments.filter(role=Enrollment.Role.MENTEE, capacity__gt=0).exists()

    mentorships = Mentorship.objects.filter(program=found)
    assert mentorships.filter(phase__in=OPEN_PHASES).exists()
    for mentorship in mentorships.prefetch_related("parties", "agreements__signatures"):
        assert sorted(p.role for p in mentorship.parties.all()) == ["mentee", "mentor"]
        held = Meeting.objects.filter(mentorship=mentorship, status="held")
        latest = held.order_by("-starts_at").first()
        assert mentorship.last_meeting_at == (latest.starts_at if latest else None)
        signed = Signature.objects.filter(agreement__mentorship=mentorship).count()
        assert signed == {"proposed": 0, "agreeing": 1}.get(mentorship.phase, 2)

    answered = SurveyAssignment.objects.filter(program=found, has_responded__isnull=False)
    assert answered.count() == HasResponded.objects.filter(assignment__program=found).count()
    assert Response.objects.filter(program=found).count() == answered.count() > 0
    assert Answer.objects.filter(response__program=found).count() > 0
    assert AuditEvent.objects.filter(action="program.import_applied").count() == 1


def test_running_twice_adds_nothing() -> None:
    seed(users=60, national=True)
    found = program()
    before = (
        found.enrollments.count(),
        Mentorship.objects.filter(program=found).count(),
        Response.objects.filter(program=found).count(),
    )
    output = seed(users=60, national=True)
    after = (
        found.enrollments.count(),
        Mentorship.objects.filter(program=found).count(),
        Response.objects.filter(program=found).count(),
    )
    assert after == before
    assert "0 new enrollments, 0 new mentorships, 0 new responses" in output
