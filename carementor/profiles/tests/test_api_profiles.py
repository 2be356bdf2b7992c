import pytest

from carementor.lib.testing import add_member, make_user
from carementor.profiles.models import Visibility
from carementor.profiles.services import conflict_declare
from carementor.profiles.tests.conftest import (
    ASHA_PUBLIC,
    add_colleagues,
    make_profile,
    queries_for,
)


def test_colleague_reads_a_profile_without_private_parts(login, mentor, mentee, asha_profile):
    asha_profile.supervisor = mentor
    asha_profile.save()
    conflict_declare(asha_profile, other_email="", description="Uncle", actor=mentee)
    response = login(mentor).get(f"/api/v1/profiles/{asha_profile.code}")
    assert response.status_code == 200
    body = response.json()
    assert body == {**ASHA_PUBLIC, "code": asha_profile.code, "updated_at": body["updated_at"]}


@pytest.mark.parametrize("visibility", [Visibility.ORGANIZATION, Visibility.PRIVATE])
def test_outsider_gets_404(login, outsider, asha_profile, visibility):
    asha_profile.visibility = visibility
    asha_profile.save()
    response = login(outsider).get(f"/api/v1/profiles/{asha_profile.code}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def test_private_hidden_from_colleague_platform_shown_to_outsider(
    login, mentor, outsider, asha_profile
):
    asha_profile.visibility = Visibility.PRIVATE
    asha_profile.save()
    assert login(mentor).get(f"/api/v1/profiles/{asha_profile.code}").status_code == 404
    asha_profile.visibility = Visibility.PLATFORM
    asha_profile.save()
    assert login(outsider).get(f"/api/v1/profiles/{asha_profile.code}").status_code == 200


def test_owner_reads_own_private_profile(login, mentee, asha_profile):
    asha_profile.visibility = Visibility.PRIVATE
    asha_profile.save()
    assert login(mentee).get(f"/api/v1/profiles/{asha_profile.code}").status_code == 200


@pytest.fixture
def colleagues(hospital, vocab, mentee, mentor, outsider):
    make_profile(
        mentor,
        headline="Interventional cardiologist",
        profession=vocab.physician,
        career_stage=vocab.senior,
        country=vocab.india,
        roles_offered=["mentor"],
        mentoring_capacity=3,
        specialties=(vocab.paediatric_cardiology,),
        languages=(vocab.hindi,),
    )
    nurse = make_user("mary@example.org", full_name="Mary Thomas")
    add_member(nurse, hospital)
    make_profile(nurse, profession=vocab.nurse, languages=(vocab.english,))
    make_profile(outsider, visibility=Visibility.PLATFORM)


def test_directory(login, mentee, mentor, colleagues):
    response = login(mentee).get("/api/v1/profiles?language=hi")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "code": mentor.profile.code,
                "full_name": "Vikram Mehta",
                "headline": "Interventional cardiologist",
                "profession": "physician",
                "career_stage": "senior",
                "specialties": ["paediatric-cardiology"],
                "languages": ["hi"],
                "country": "IN",
                "roles_offered": ["mentor"],
                "roles_sought": [],
            }
        ],
        "count": 1,
        "page": 1,
        "pages": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Mary Thomas", "Vikram Mehta"]),
        ("?profession=registered-nurse", ["Mary Thomas"]),
        ("?career_stage=senior", ["Vikram Mehta"]),
        ("?specialty=paediatric-cardiology", ["Vikram Mehta"]),
        ("?q=cardio", ["Vikram Mehta"]),
        ("?q=MARY", ["Mary Thomas"]),
    ],
)
def test_directory_filters(login, mentee, colleagues, query, expected):
    body = login(mentee).get(f"/api/v1/profiles{query}").json()
    assert [item["full_name"] for item in body["items"]] == expected


def test_directory_for_the_outsider_is_empty(login, outsider, colleagues):
    body = login(outsider).get("/api/v1/profiles").json()
    assert body == {"items": [], "count": 0, "page": 1, "pages": 1}


def test_directory_bad_filters_are_422(login, mentee, colleagues, trust):
    client = login(mentee)
    response = client.get("/api/v1/profiles?specialty=nope")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", "specialty"], "msg": "“nope” is not a known specialty."}
    ]
    response = client.get(f"/api/v1/profiles?organization={trust.code}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "organization"]
    assert client.get("/api/v1/profiles?page=0").status_code == 422


def test_directory_pages_without_n_plus_one(
    login, mentee, hospital, vocab, django_assert_max_num_queries
):
    client = login(mentee)
    add_colleagues(hospital, vocab, 2)
    baseline = queries_for(client, "/api/v1/profiles")
    add_colleagues(hospital, vocab, 29, start=2)
    with django_assert_max_num_queries(baseline):
        first = client.get("/api/v1/profiles").json()
    assert (len(first["items"]), first["count"], first["pages"]) == (20, 31, 2)
    second = client.get("/api/v1/profiles?page=2").json()
    assert [item["full_name"] for item in second["items"]][-1] == "Person 30"
    assert len(second["items"]) == 11
    assert client.get("/api/v1/profiles?page=3").json()["items"] == []


def test_anonymous_gets_401(client, asha_profile):
    assert client.get("/api/v1/profiles").status_code == 401
    assert client.get(f"/api/v1/profiles/{asha_profile.code}").status_code == 401
