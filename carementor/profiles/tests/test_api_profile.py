import pytest

from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.audit.models import AuditEvent
from carementor.profiles.models import Profile, ProfileCompetency
from carementor.profiles.services import conflict_declare
from carementor.profiles.tests.conftest import ASHA_PUBLIC

URL = "/api/v1/profile"

FULL = {
    "full_name": "Dr Asha Raman",
    "timezone": "Asia/Kolkata",
    "headline": "Paediatrics resident, Chennai",
    "bio": "",
    "profession": "physician",
    "career_stage": "resident",
    "specialties": ["paediatric-cardiology", "paediatrics"],
    "years_in_practice": 2,
    "workplace": "",
    "country": "IN",
    "region": "Tamil Nadu",
    "city": "Chennai",
    "languages": ["en", "ta"],
    "hours_per_month": 4,
    "preferred_slots": ["weekday_evening"],
    "shift_pattern": "on_call",
    "meeting_formats": ["video"],
    "competencies": [{"competency": "ehr-use", "level": 2, "target_level": 4}],
    "goals": "A fellowship.",
    "interests": "",
    "roles_offered": ["peer"],
    "roles_sought": ["mentor"],
    "mentoring_capacity": 1,
    "supervisor_email": "vikram@example.org",
    "visibility": "platform",
}


def put(client, body):
    return client.put(URL, body, content_type="application/json")


def patch(client, body):
    return client.patch(URL, body, content_type="application/json")


def test_get_my_profile(login, mentee, mentor, asha_profile):
    asha_profile.supervisor = mentor
    asha_profile.save()
    conflict = conflict_declare(asha_profile, other_email="", description="Uncle", actor=mentee)
    response = login(mentee).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        **ASHA_PUBLIC,
        "code": asha_profile.code,
        "updated_at": body["updated_at"],
        "visibility": "organization",
        "supervisor_email": "vikram@example.org",
        "completeness": {"percent": 100, "missing": []},
        "conflicts": [
            {
                "code": conflict.code,
                "other_email": "",
                "description": "Uncle",
                "created_at": body["conflicts"][0]["created_at"],
            }
        ],
    }


def test_get_creates_an_empty_profile_on_first_use(login, mentee):
    body = login(mentee).get(URL).json()
    assert body["profession"] is None and body["specialties"] == []
    assert body["completeness"]["percent"] == 15
    assert body["completeness"]["missing"][0] == {
        "field": "headline",
        "label": "a one-line headline about you",
    }
    assert Profile.objects.filter(user=mentee).count() == 1


def test_put_replaces_the_whole_profile(login, mentee, mentor, asha_profile):
    response = put(login(mentee), FULL)
    assert response.status_code == 200
    body = response.json()
    for key, value in FULL.items():
        if key == "specialties":
            assert sorted(body[key]) == sorted(value)
        else:
            assert body[key] == value, key
    profile = Profile.objects.get(pk=asha_profile.pk)
    assert (profile.supervisor, profile.visibility, profile.workplace) == (mentor, "platform", "")
    assert list(
        ProfileCompetency.objects.filter(profile=profile).values_list("competency__code", flat=True)
    ) == ["ehr-use"]
    event = AuditEvent.objects.get(action="profile.updated")
    assert event.actor == mentee and "workplace" in event.detail["fields"]


def test_put_then_get_round_trips(login, mentee, asha_profile):
    client = login(mentee)
    mine = client.get(URL).json()
    writable = {key: mine[key] for key in FULL}
    assert put(client, writable).status_code == 200
    again = client.get(URL).json()
    assert {key: again[key] for key in FULL} == writable


def test_put_with_omitted_fields_resets_them(login, mentee, asha_profile):
    response = put(login(mentee), {"timezone": "Asia/Kolkata"})
    assert response.status_code == 200
    body = response.json()
    assert (body["profession"], body["specialties"], body["competencies"], body["goals"]) == (
        None,
        [],
        [],
        "",
    )
    assert body["visibility"] == "organization"


def test_patch_changes_only_what_is_sent(login, mentee, asha_profile):
    response = patch(login(mentee), {"city": "Madurai", "roles_offered": ["peer"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["city"], body["roles_offered"], body["profession"]) == (
        "Madurai",
        ["peer"],
        "physician",
    )
    assert len(body["competencies"]) == 2
    assert AuditEvent.objects.get(action="profile.updated").detail == {
        "fields": ["city", "roles_offered"]
    }


def test_patch_competencies_replaces_all_rows(login, mentee, asha_profile):
    body = patch(
        login(mentee),
        {"competencies": [{"competency": "telehealth", "level": 5}]},
    ).json()
    assert body["competencies"] == [{"competency": "telehealth", "level": 5, "target_level": None}]


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({"profession": "astronaut"}, ["body", "payload", "profession"], "not a known profession"),
        ({"specialties": ["x"]}, ["body", "payload", "specialties"], "not a known specialty"),
        ({"languages": ["tlh"]}, ["body", "payload", "languages"], "not a known language"),
        ({"country": "XX"}, ["body", "payload", "country"], "not a known country"),
        ({"career_stage": "emperor"}, ["body", "payload", "career_stage"], "career stage"),
        ({"timezone": "Moon/Base"}, ["body", "payload", "timezone"], "not a known timezone"),
        ({"years_in_practice": 71}, ["body", "payload", "years_in_practice"], "70"),
        (
            {"mentoring_capacity": 2, "roles_offered": []},
            ["body", "payload", "mentoring_capacity"],
            "no roles",
        ),
        (
            {"supervisor_email": "tom@example.org"},
            ["body", "payload", "supervisor_email"],
            "No one",
        ),
        (
            {"competencies": [{"competency": "ehr-use", "level": 3, "target_level": 3}]},
            ["body", "payload", "competencies", "0", "target_level"],
            "must be above",
        ),
        (
            {"competencies": [{"competency": "juggling", "level": 3}]},
            ["body", "payload", "competencies", "0", "competency"],
            "not a known competency",
        ),
        (
            {
                "competencies": [
                    {"competency": "ehr-use", "level": 3},
                    {"competency": "ehr-use", "level": 4},
                ]
            },
            ["body", "payload", "competencies"],
            "listed twice",
        ),
        (
            {"competencies": [{"competency": "ehr-use", "level": 6}]},
            ["body", "payload", "competencies", "0", "level"],
            "less than or equal to 5",
        ),
        ({"preferred_slots": ["teatime"]}, ["body", "payload", "preferred_slots", "0"], "Input"),
        ({"visibility": "everyone"}, ["body", "payload", "visibility"], "Input should be"),
        ({"roles_offered": "mentor"}, ["body", "payload", "roles_offered"], "valid list"),
    ],
)
@pytest.mark.parametrize("method", [put, patch])
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(
    login, mentee, outsider, asha_profile, method, body, loc, message
):
    before = Profile.objects.get(pk=asha_profile.pk)
    payload = {**FULL, **body} if method is put else body
    if method is put:
        payload["supervisor_email"] = body.get("supervisor_email")
    response = method(login(mentee), payload)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid"
    matching = [e for e in error["errors"] if e["loc"] == loc]
    assert matching and message in matching[0]["msg"], error
    after = Profile.objects.get(pk=asha_profile.pk)
    assert (after.updated_at, after.city) == (before.updated_at, "Chennai")
    assert asha_profile.competency_levels.count() == 2
    assert not AuditEvent.objects.filter(action="profile.updated").exists()


def test_malformed_json_is_a_4xx(login, mentee, asha_profile):
    response = login(mentee).put(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not AuditEvent.objects.filter(action="profile.updated").exists()


def test_completeness(login, mentee, asha_profile):
    asha_profile.goals = ""
    asha_profile.save()
    response = login(mentee).get(f"{URL}/completeness")
    assert response.status_code == 200
    assert response.json() == {
        "percent": 92,
        "missing": [{"field": "goals", "label": "what you want to achieve (your goals)"}],
    }


def test_personal_access_token_works(client, mentee, asha_profile):
    raw = PersonalAccessToken.generate()
    PersonalAccessToken.objects.create(
        user=mentee, name="cli", token_hash=hash_token(raw), prefix=raw[:8]
    )
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["code"] == asha_profile.code


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("put", URL),
        ("patch", URL),
        ("get", f"{URL}/completeness"),
        ("get", f"{URL}/conflicts"),
        ("post", f"{URL}/conflicts"),
    ],
)
def test_anonymous_gets_401(client, db, method, path):
    response = getattr(client, method)(path, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not Profile.objects.exists()
