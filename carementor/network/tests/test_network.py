"""The open national network: offers, search, requests, capacity, blocks, reports, ratings,
saved searches, organization policy and the dashboard of someone with no organization."""

from typing import Any

import pytest
from django.utils import timezone

from carementor.lib.testing import (
    add_member,
    assert_flat_queries,
    give_mfa,
    make_organization,
    make_user,
)
from carementor.matching import services as matching
from carementor.matching.models import MatchRequest
from carementor.matching.services import MatchError
from carementor.matching.tests.conftest import verify
from carementor.mentorships.models import Mentorship, Phase
from carementor.network import services
from carementor.network.models import MentorOffer, MentorRating, Report, SavedSearch
from carementor.network.search import search
from carementor.network.services import NetworkError, network_program
from carementor.notifications.models import Notification
from carementor.profiles.models import (
    CareerStage,
    Country,
    Language,
    Profession,
    Profile,
    Specialty,
)

pytestmark = pytest.mark.django_db


def complete_profile(user: Any, *, specialty: str = "general-nursing", **extra: Any) -> Profile:
    profile, _created = Profile.objects.update_or_create(
        user=user,
        defaults={
            "profession": Profession.objects.get(code=extra.pop("profession", "registered-nurse")),
            "career_stage": CareerStage.objects.get(code=extra.pop("stage", "early-career")),
            "country": Country.objects.get(code="IN"),
            "region": extra.pop("region", "Bihar"),
            "goals": extra.pop("goals", "critical care leadership"),
            **extra,
        },
    )
    profile.specialties.set(Specialty.objects.filter(code=specialty))
    profile.languages.set(Language.objects.filter(code__in=["en", "hi"]))
    return profile


def network_mentor(
    org: Any, email: str, name: str, *, roles: list[str], capacity: int = 2, **profile: Any
) -> Any:
    user = make_user(email, full_name=name)
    add_member(user, org, "mentor")
    verify(user, org, number=str(abs(hash(email)) % 10**7).rjust(7, "1"))
    complete_profile(user, stage="senior", **profile)
    regions = profile.get("region", "Bihar")
    services.offer_set(
        user=user,
        roles=roles,
        capacity=capacity,
        online=True,
        in_person=False,
        regions=regions,
        languages=["hi"],
    )
    return user


@pytest.fixture
def nurse(db):  # type: ignore[no-untyped-def]
    """Sunita, a nurse in a district hospital with no mentoring programme and no organization."""
    user = make_user("sunita@example.org", full_name="Sunita Devi")
    complete_profile(user, specialty="critical-care-nursing")
    return user


@pytest.fixture
def mentors(hospital, trust):  # type: ignore[no-untyped-def]
    aiims = make_organization("AIIMS Patna", slug="aiims-patna")
    return {
        "rekha": network_mentor(
            aiims,
            "rekha@example.org",
            "Rekha Sinha",
            roles=["sponsor", "mentor"],
            specialty="critical-care-nursing",
            capacity=1,
        ),
        "farah": network_mentor(
            hospital,
            "farah@example.org",
            "Farah Khan",
            roles=["coach"],
            specialty="general-nursing",
            region="Tamil Nadu",
        ),
        "org": aiims,
    }


def test_the_network_has_one_programme(db):
    first = network_program()
    assert network_program().pk == first.pk
    assert first.format == "network" and first.status == "published"


def test_offering_needs_verification_and_a_complete_profile(hospital):
    user = make_user("new@example.org", full_name="New Mentor")
    with pytest.raises(NetworkError) as incomplete:
        services.offer_set(user=user, roles=["mentor"], capacity=1, online=True, in_person=False)
    assert incomplete.value.status == 403
    complete_profile(user)
    with pytest.raises(NetworkError) as unverified:
        services.offer_set(user=user, roles=["mentor"], capacity=1, online=True, in_person=False)
    assert "verified" in unverified.value.message
    verify(user, hospital)
    offer = services.offer_set(
        user=user, roles=["mentor"], capacity=2, online=True, in_person=False
    )
    seat = network_program().enrollments.get(user=user)
    assert (seat.capacity, seat.status, seat.role) == (2, "approved", "mentor")
    with pytest.raises(NetworkError):
        services.offer_set(user=user, roles=[], capacity=1, online=True, in_person=False)
    with pytest.raises(NetworkError):
        services.offer_set(user=user, roles=["coach"], capacity=1, online=False, in_person=False)
    assert offer.roles == ["mentor"]


def test_someone_without_organization_finds_mentors_across_organizations(nurse, mentors):
    found = search(nurse, {})
    names = [h.user.full_name for h in found.hits]
    assert set(names) == {"Rekha Sinha", "Farah Khan"}
    assert names[0] == "Rekha Sinha"  # same sub-specialty ranks first
    assert found.hits[0].reasons  # the engine's explanations
    assert [h.user.full_name for h in search(nurse, {"role": "sponsor"}).hits] == ["Rekha Sinha"]
    assert [h.user.full_name for h in search(nurse, {"region": "Tamil Nadu"}).hits] == [
        "Farah Khan"
    ]
    assert search(nurse, {"mode": "in_person"}).total == 0
    sub = search(nurse, {"subspecialty": "critical-care-nursing"})
    assert [h.user.full_name for h in sub.hits] == ["Rekha Sinha"] and not sub.nearest
    assert search(nurse, {"specialty": "general-nursing"}).total == 2  # a parent finds children
    assert search(nurse, {"career_stage": "student"}).total == 0


def test_nobody_in_your_specialty_shows_the_nearest(nurse, mentors):
    found = search(nurse, {"specialty": "nephrology"})
    assert found.nearest and found.total == 2


def test_unverified_paused_and_blocked_mentors_are_not_found(nurse, mentors):
    services.block(blocker=nurse, blocked=mentors["farah"])
    assert [h.user.full_name for h in search(nurse, {}).hits] == ["Rekha Sinha"]
    # Blocking works both ways.
    assert search(mentors["farah"], {}).total == 1
    services.offer_set(
        user=mentors["rekha"],
        roles=["sponsor"],
        capacity=1,
        online=True,
        in_person=False,
        is_active=False,
    )
    assert search(nurse, {}).total == 0


def test_search_page_and_api_work_without_an_organization(login, nurse, mentors):
    client = login(nurse)
    page = client.get("/network/mentors/?role=sponsor")
    assert page.status_code == 200
    assert "Rekha Sinha" in page.content.decode() and "Farah Khan" not in page.content.decode()
    body = client.get("/api/v1/network/mentors", {"role": "sponsor", "language": "hi"}).json()
    assert body["count"] == 1 and body["items"][0]["full_name"] == "Rekha Sinha"
    assert body["items"][0]["roles"] == ["mentor", "sponsor"]
    assert client.get("/api/v1/network/mentors", {"page": 0}).status_code == 422
    nearest = client.get("/network/mentors/?specialty=nephrology").content.decode()
    assert "Nobody matches your specialty yet; here are the nearest mentors." in nearest


def test_an_incomplete_profile_is_asked_to_complete_first(login, db):
    user = make_user("blank@example.org")
    client = login(user)
    assert client.get("/api/v1/network/mentors").status_code == 403
    assert "Complete your profile first" in client.get("/network/mentors/").content.decode()


def test_anonymous_gets_nothing(client, db):
    assert client.get("/api/v1/network/mentors").status_code == 401
    assert client.get("/network/mentors/").status_code == 302


def test_search_queries_stay_flat(login, nurse, mentors):
    client = login(nurse)
    count = iter(range(1000))

    def add(k: int) -> None:
        for _ in range(k):
            i = next(count)
            network_mentor(mentors["org"], f"m{i}@example.org", f"Mentor {i}", roles=["mentor"])

    assert_flat_queries(lambda: client.get("/api/v1/network/mentors"), add, most=25)
    assert_flat_queries(lambda: client.get("/network/mentors/"), add, most=40)


def test_a_sponsorship_through_the_network(login, nurse, mentors):
    client = login(nurse)
    sent = client.post(
        "/api/v1/network/requests",
        {"mentor": mentors["rekha"].code, "role": "sponsor", "note": "Would you sponsor me?"},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    found = MatchRequest.objects.get(code=sent.json()["code"])
    assert found.program == network_program() and found.reasons
    matching.request_accept(match_request=found, actor=mentors["rekha"])
    relationship = Mentorship.objects.get(program=network_program())
    assert relationship.role == "sponsor" and relationship.phase == Phase.PROPOSED
    assert "nominates the protégé" in relationship.agreements.get().expectations
    page = client.get(f"/mentorships/{relationship.code}/").content.decode()
    assert "(Sponsor)" in page and "(Protégé)" in page
    # Rekha offered one place: she no longer appears, and cannot be booked twice.
    assert search(nurse, {"role": "sponsor"}).total == 0


def test_capacity_is_never_exceeded(nurse, mentors):
    other = make_user("other@example.org", full_name="Other Nurse")
    complete_profile(other)
    first = services.request_send(mentee=nurse, mentor=mentors["rekha"], role="sponsor", note="a")
    second = services.request_send(mentee=other, mentor=mentors["rekha"], role="mentor", note="b")
    matching.request_accept(match_request=first, actor=mentors["rekha"])
    with pytest.raises(MatchError) as full:
        matching.request_accept(match_request=second, actor=mentors["rekha"])
    assert full.value.code == "full"


def test_network_requests_are_refused_clearly(login, nurse, mentors):
    with pytest.raises(NetworkError) as wrong_role:
        services.request_send(mentee=nurse, mentor=mentors["farah"], role="sponsor", note="x")
    assert wrong_role.value.code == "role"
    services.block(blocker=mentors["farah"], blocked=nurse)
    with pytest.raises(NetworkError):
        services.request_send(mentee=nurse, mentor=mentors["farah"], role="coach", note="x")
    client = login(nurse)
    missing = client.post(
        "/api/v1/network/requests",
        {"mentor": "nosuchcode", "note": "x"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert client.get(f"/network/mentors/{mentors['farah'].code}/request/").status_code == 404


def test_request_page_offers_the_mentors_roles_with_definitions(login, nurse, mentors):
    client = login(nurse)
    url = f"/network/mentors/{mentors['rekha'].code}/request/"
    text = client.get(url).content.decode()
    assert "concrete" not in text  # not the words, the role's own
    assert "nominating them" in text and 'value="coach"' not in text
    response = client.post(url, {"role": "sponsor", "note": "Please sponsor me"})
    assert response.status_code == 302
    assert MatchRequest.objects.get().role == "sponsor"
    assert client.post(url, {"role": "sponsor", "note": ""}).status_code in (409, 422)


def test_reports_reach_staff_only(login, nurse, mentors):
    staff = make_user("staff@example.org", full_name="Platform Staff", is_staff=True)
    give_mfa(staff)
    client = login(nurse)
    assert (
        client.post(f"/network/people/{mentors['farah'].code}/report/", {"reason": ""}).status_code
        == 422
    )
    client.post(f"/network/people/{mentors['farah'].code}/report/", {"reason": "Rude reply"})
    assert Report.objects.get().reported == mentors["farah"]
    assert Notification.objects.filter(recipient=staff).exists()
    assert client.get("/network/staff/").status_code == 403
    staff_page = login(staff).get("/network/staff/").content.decode()
    assert "Rude reply" in staff_page


def test_ratings_are_private_and_shown_only_from_five_raters(login, nurse, mentors):
    staff = make_user("staff@example.org", full_name="Platform Staff", is_staff=True)
    give_mfa(staff)
    program = network_program()
    mentor = mentors["farah"]
    services.offer_set(user=mentor, roles=["coach"], capacity=10, online=True, in_person=False)
    for i in range(5):
        mentee = nurse if i == 0 else make_user(f"r{i}@example.org", full_name=f"Rater {i}")
        if i:
            complete_profile(mentee)
        req = services.request_send(mentee=mentee, mentor=mentor, role="coach", note="hi")
        matching.request_accept(match_request=req, actor=mentor)
        relationship = Mentorship.objects.get(program=program, parties__user=mentee)
        Mentorship.objects.filter(pk=relationship.pk).update(
            phase=Phase.CLOSED, activated_at=timezone.now(), closed_at=timezone.now()
        )
        if i < 4:
            services.rate(mentorship=relationship, rater=mentee, score=2)
            assert not services.rating_summary().exists()
        else:
            services.rate(mentorship=relationship, rater=mentee, score=4)
        poor = Notification.objects.filter(recipient=staff, kind="network_poor_ratings")
        # Staff hear of poor experiences only once five people have rated (k = 5).
        assert poor.count() == (1 if i == 4 else 0)
    with pytest.raises(NetworkError):
        services.rate(mentorship=relationship, rater=mentee, score=4)  # once only
    row = services.rating_summary().get()
    assert row["raters"] == 5 and float(row["average"]) == pytest.approx(2.4) and row["poor"]
    assert MentorRating.objects.count() == 5
    body = login(staff).get("/api/v1/network/ratings").json()
    assert body["count"] == 1 and body["items"][0]["mentor"] == mentor.code
    assert body["items"][0]["poor"] is True and body["items"][0]["average"] == 2.4
    assert "Poor experiences" in login(staff).get("/network/staff/").content.decode()
    assert login(nurse).get("/api/v1/network/ratings").status_code == 403


def test_saved_search_tells_when_a_matching_mentor_joins(
    login, nurse, mentors, hospital, django_capture_on_commit_callbacks
):
    client = login(nurse)
    client.post(
        "/network/searches/", {"name": "Sponsors in Bihar", "role": "sponsor", "region": "Bihar"}
    )
    saved = SavedSearch.objects.get()
    assert saved.filters == {"role": "sponsor", "region": "Bihar"}
    with django_capture_on_commit_callbacks(execute=True):
        network_mentor(hospital, "new@example.org", "Anil Kumar", roles=["coach"])
    assert not Notification.objects.filter(recipient=nurse).exists()
    with django_capture_on_commit_callbacks(execute=True):
        network_mentor(hospital, "new2@example.org", "Leela Rao", roles=["sponsor"])
    assert Notification.objects.filter(recipient=nurse, kind="network_mentor_joined").exists()
    assert "Sponsors in Bihar" in client.get("/network/searches/").content.decode()


def test_saved_searches_through_the_api(login, nurse, mentors, outsider):
    client = login(nurse)
    created = client.post(
        "/api/v1/network/searches",
        {"name": "Coaches", "role": "coach", "language": "hi"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["filters"] == {"role": "coach", "language": "hi"}
    listed = client.get("/api/v1/network/searches").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Coaches"
    assert login(outsider).delete(f"/api/v1/network/searches/{code}").status_code == 404
    assert login(nurse).delete(f"/api/v1/network/searches/{code}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_the_nearest_are_offered_on_the_page_and_in_the_api(login, nurse, mentors):
    client = login(nurse)
    page = client.get("/network/mentors/", {"specialty": "nephrology"}).content.decode()
    assert "Nobody matches your specialty yet; here are the nearest mentors." in page
    body = client.get("/api/v1/network/mentors", {"specialty": "nephrology"}).json()
    assert body["nearest"] is True and body["count"] == 2
    exact = client.get("/api/v1/network/mentors").json()
    assert exact["nearest"] is False


def test_an_organization_can_keep_its_mentors_out(
    login, org_admin, hospital, mentors, nurse, outsider
):
    client = login(org_admin)
    assert client.get(f"/network/policy/{hospital.code}/").status_code == 200
    client.post(f"/network/policy/{hospital.code}/", {"mentors_may_offer": "0"})
    assert not MentorOffer.objects.get(user=mentors["farah"]).is_active
    assert [h.user.full_name for h in search(nurse, {}).hits] == ["Rekha Sinha"]
    with pytest.raises(NetworkError):
        services.offer_set(
            user=mentors["farah"], roles=["coach"], capacity=1, online=True, in_person=False
        )
    assert login(outsider).get(f"/network/policy/{hospital.code}/").status_code == 404


def test_someone_without_organization_is_led_to_the_network(login, nurse):
    text = login(nurse).get("/dashboard/").content.decode()
    assert "Find a mentor anywhere in the country" in text
    assert 'href="/network/"' in text and 'href="/communities/"' in text
    programmes = login(nurse).get("/programs/").content.decode()
    assert "open network" in programmes


def test_saved_searches_list_stays_flat(login, nurse):
    client = login(nurse)
    counter = iter(range(1000))

    def add(k: int) -> None:
        for _ in range(k):
            SavedSearch.objects.create(user=nurse, name=f"Search {next(counter)}", filters={})

    assert_flat_queries(lambda: client.get("/api/v1/network/searches"), add, most=15)
    assert_flat_queries(lambda: client.get("/network/searches/"), add, most=25)
