"""Roles with meaning: definitions, per-role defaults, titles in lists, per-role limits."""

from types import SimpleNamespace

import pytest

from carementor.evaluations.schedule import applies
from carementor.lib.testing import add_member, make_user
from carementor.matching import services as matching
from carementor.matching.models import MatchRequest
from carementor.matching.services import MatchError
from carementor.matching.tests.conftest import make_mentor, verify
from carementor.mentorships.models import Mentorship
from carementor.mentorships.services import MentorshipError, mentorship_create
from carementor.mentorships.tests.helpers import make_mentorship
from carementor.profiles.models import Profile
from carementor.profiles.roles import ROLES, agreement_defaults, limit_for, party_title
from carementor.programs.models import Program
from carementor.programs.tests.conftest import enroll, make_program


def pair(program, mentor, mentee, role):  # type: ignore[no-untyped-def]
    """A coordinator pairs two people directly."""
    coordinator = make_user(f"coord-{Mentorship.objects.count()}@example.org")
    add_member(coordinator, program.organization, "coordinator")
    return mentorship_create(
        program=program,
        mentors=[mentor],
        mentees=[mentee],
        role=role,
        actor=coordinator,
        source="coordinator",
    )


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    return make_program(
        hospital,
        verification_kind="licence",
        roles=["mentor", "coach", "sponsor"],
        meeting_cadence_days=28,
    )


@pytest.fixture
def people(program, hospital, mentee, mentor):  # type: ignore[no-untyped-def]
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "cardiology"})
    Profile.objects.update_or_create(user=mentee, defaults={"goals": "cardiology"})
    enroll(program, mentee, "mentee")
    enroll(program, mentor, "mentor", capacity=3)
    meera = make_mentor(hospital, "meera@example.org", "Meera Iyer", goals="cardiology")
    enroll(program, meera, "mentor", capacity=3)
    return {"mentee": mentee, "vikram": mentor, "meera": meera}


def test_roles_api_lists_each_role_with_definition_and_defaults(login, mentee):
    body = login(mentee).get("/api/v1/roles").json()
    assert [r["value"] for r in body] == ["mentor", "coach", "advisor", "sponsor", "peer"]
    sponsor = next(r for r in body if r["value"] == "sponsor")
    assert "nominat" in sponsor["definition"] and sponsor["mentee_title"] == "Protégé"
    assert "nominates" in sponsor["agreement_expectations"]
    assert "pulse" not in sponsor["survey_occasions"]
    coach = next(r for r in body if r["value"] == "coach")
    assert coach["cadence_days"] == 14 and "measurable" in coach["agreement_goals"]
    assert next(r for r in body if r["value"] == "peer")["reciprocal"] is True


def test_roles_api_needs_a_signed_in_person(client, db):
    assert client.get("/api/v1/roles").status_code == 401


def test_each_role_starts_from_its_own_agreement(program, people):
    coaching = make_mentorship(program, people["vikram"], people["mentee"], role="coach")
    sponsorship = make_mentorship(program, people["meera"], people["mentee"], role="sponsor")
    mentoring = make_mentorship(program, people["meera"], make_user("x@example.org"), role="mentor")
    coach_terms = coaching.agreements.get()
    assert "Coaching contract" in coach_terms.expectations
    assert coach_terms.meeting_frequency == "At least every 14 days"
    assert coach_terms.duration == "3 months"
    sponsor_terms = sponsorship.agreements.get()
    assert "nominates the protégé" in sponsor_terms.expectations
    assert sponsor_terms.expectations != coach_terms.expectations
    # The programme's own cadence applies to its main role.
    assert mentoring.agreements.get().meeting_frequency == "At least every 28 days"
    assert agreement_defaults(program, "advisor")["expectations"].startswith("Scope of the advice")


def test_lists_call_each_side_by_its_role(login, program, people, coordinator):
    make_mentorship(program, people["meera"], people["mentee"], role="sponsor")
    page = login(coordinator).get(f"/mentorships/oversee/{program.organization.code}/")
    text = page.content.decode()
    assert 'Meera Iyer <span class="muted">(Sponsor)</span>' in text
    assert "(Protégé)" in text and "(Mentor)" not in text
    assert "Sponsor</abbr>" in text  # the relationship's role column
    mine = login(people["mentee"]).get("/mentorships/").content.decode()
    assert "(Sponsor)" in mine and "(Mentor)" not in mine
    assert party_title("peer", "mentee") == "Peer"


def test_detail_shows_the_definition_and_closure_asks_the_roles_questions(login, program, people):
    coaching = make_mentorship(program, people["vikram"], people["mentee"], role="coach")
    client = login(people["mentee"])
    text = client.get(f"/mentorships/{coaching.code}/").content.decode()
    assert str(ROLES["coach"].definition) in text
    close = client.get(f"/mentorships/{coaching.code}/close/").content.decode()
    assert "what does the measure show now" in close


def test_surveys_follow_the_role(program):
    entry = SimpleNamespace(occasion="pulse")
    assert applies(entry, SimpleNamespace(role="coach"))
    assert not applies(entry, SimpleNamespace(role="sponsor"))
    assert not applies(SimpleNamespace(occasion="midpoint"), SimpleNamespace(role="advisor"))


def test_a_mentee_holds_one_relationship_per_role_by_default(program, people):
    make_mentorship(program, people["vikram"], people["mentee"], role="mentor")
    with pytest.raises(MatchError) as refused:
        matching.request_send(
            program=program,
            mentee=people["mentee"],
            mentor=people["meera"],
            note="Another mentor please",
            role="mentor",
        )
    assert refused.value.code == "role_limit"
    # Another role is fine.
    sent = matching.request_send(
        program=program,
        mentee=people["mentee"],
        mentor=people["meera"],
        note="Would you sponsor me?",
        role="sponsor",
    )
    assert sent.role == "sponsor"
    with pytest.raises(MentorshipError) as direct:
        pair(program, people["meera"], people["mentee"], "mentor")
    assert direct.value.code == "role_limit"


def test_acceptance_rechecks_the_limit(program, people):
    first = matching.request_send(
        program=program, mentee=people["mentee"], mentor=people["vikram"], note="a", role="coach"
    )
    second = matching.request_send(
        program=program, mentee=people["mentee"], mentor=people["meera"], note="b", role="coach"
    )
    matching.request_accept(match_request=first, actor=people["vikram"])
    second.refresh_from_db()
    # Accepting withdraws the other request for the same role in a non-network programme...
    assert second.status == MatchRequest.Status.WITHDRAWN
    # ... and a request for a role at its limit cannot be accepted even if still open.
    MatchRequest.objects.filter(pk=second.pk).update(status=MatchRequest.Status.PENDING)
    with pytest.raises(MatchError) as refused:
        matching.request_accept(match_request=second, actor=people["meera"])
    assert refused.value.code == "role_limit"
    assert Mentorship.objects.filter(role="coach").count() == 1


def test_the_programme_can_allow_more_of_a_role(program, people):
    Program.objects.filter(pk=program.pk).update(role_limits={"mentor": 2})
    program.refresh_from_db()
    assert limit_for(program, "mentor") == 2 and limit_for(program, "coach") == 1
    pair(program, people["vikram"], people["mentee"], "mentor")
    pair(program, people["meera"], people["mentee"], "mentor")
    with pytest.raises(MentorshipError):
        pair(program, people["meera"], people["mentee"], "mentor")


def test_find_a_mentor_stops_offering_more_at_the_limit(login, program, people):
    Program.objects.filter(pk=program.pk).update(roles=["mentor"])
    client = login(people["mentee"])
    assert "Meera Iyer" in client.get(f"/programs/{program.code}/mentors/").content.decode()
    assert client.get(f"/api/v1/programs/{program.code}/suggestions").json()
    make_mentorship(program, people["vikram"], people["mentee"], role="mentor")
    text = client.get(f"/programs/{program.code}/mentors/").content.decode()
    assert "Meera Iyer" not in text
    assert "No more mentors are suggested until one ends." in text
    assert client.get(f"/api/v1/programs/{program.code}/suggestions").json() == []
    page = client.get(f"/programs/{program.code}/mentors/{people['meera'].code}/request/")
    assert "as many relationships of each kind" in page.content.decode()


def test_programme_api_sets_and_validates_role_limits(login, program, coordinator):
    client = login(coordinator)
    url = f"/api/v1/programs/{program.code}"
    done = client.patch(url, {"role_limits": {"coach": 2}}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["role_limits"] == {"coach": 2}
    bad = client.patch(url, {"role_limits": {"coach": 0}}, content_type="application/json")
    assert bad.status_code == 422
    bad = client.patch(url, {"role_limits": {"boss": 1}}, content_type="application/json")
    assert bad.status_code == 422


def test_outsider_cannot_read_another_organizations_relationship(login, program, people, outsider):
    sponsorship = make_mentorship(program, people["meera"], people["mentee"], role="sponsor")
    assert login(outsider).get(f"/mentorships/{sponsorship.code}/").status_code == 404
    add_member(outsider, program.organization)  # a plain member still sees nothing
    assert login(outsider).get(f"/mentorships/{sponsorship.code}/").status_code == 404
