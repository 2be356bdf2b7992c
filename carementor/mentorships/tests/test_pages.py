"""Relationship pages as each role and the outsider."""

from carementor.mentorships.models import Mentorship, Phase


def test_list_shows_my_mentorships_only(login, mentorship, mentee, outsider):
    page = login(mentee).get("/mentorships/")
    assert page.status_code == 200 and mentorship.code in page.content.decode()
    assert mentorship.code not in login(outsider).get("/mentorships/").content.decode()


def test_detail_party_coordinator_outsider(login, mentorship, mentee, coordinator, outsider):
    party = login(mentee).get(f"/mentorships/{mentorship.code}/")
    assert party.status_code == 200
    assert "Read and sign the agreement" in party.content.decode()
    seen = login(coordinator).get(f"/mentorships/{mentorship.code}/")
    text = seen.content.decode()
    assert seen.status_code == 200 and "Relationship health" in text
    assert "Read and sign" not in text
    assert login(outsider).get(f"/mentorships/{mentorship.code}/").status_code == 404


def test_coordinator_creates_a_mentorship(login, program, coordinator, mentor, mentee):
    response = login(coordinator).post(
        "/mentorships/new/",
        {
            "program": program.code,
            "role": "coach",
            "mentors": mentor.email,
            "mentees": mentee.email,
        },
    )
    made = Mentorship.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mentorships/{made.code}/"
    assert made.source == "coordinator" and made.phase == Phase.PROPOSED


def test_create_refuses_non_members(login, program, coordinator, mentor, outsider):
    response = login(coordinator).post(
        "/mentorships/new/",
        {
            "program": program.code,
            "role": "mentor",
            "mentors": mentor.email,
            "mentees": outsider.email,
        },
    )
    assert response.status_code == 422
    assert "Not members of this organization" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_create_page_is_for_coordinators(login, program, mentee, outsider):
    assert login(mentee).get("/mentorships/new/").status_code == 404
    # The outsider coordinates another organization: this programme is not offered.
    response = login(outsider).post(
        "/mentorships/new/",
        {"program": program.code, "role": "mentor", "mentors": "a@x.org", "mentees": "b@x.org"},
    )
    assert response.status_code == 404
    assert not Mentorship.objects.exists()


def test_health_page(login, mentorship, hospital, coordinator, mentee, outsider):
    page = login(coordinator).get(f"/mentorships/oversee/{hospital.code}/")
    assert page.status_code == 200 and mentorship.code in page.content.decode()
    assert login(mentee).get(f"/mentorships/oversee/{hospital.code}/").status_code == 404
    assert login(outsider).get(f"/mentorships/oversee/{hospital.code}/").status_code == 404
