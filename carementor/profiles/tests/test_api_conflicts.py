from carementor.audit.models import AuditEvent
from carementor.profiles.models import ConflictOfInterest
from carementor.profiles.services import conflict_declare, profile_for

URL = "/api/v1/profile/conflicts"


def test_declare_list_and_withdraw(login, mentee, mentor):
    client = login(mentee)
    response = client.post(
        URL,
        {"other_email": "Vikram@example.org", "description": "My uncle"},
        content_type="application/json",
    )
    assert response.status_code == 201
    conflict = ConflictOfInterest.objects.get()
    assert response.json() == {
        "code": conflict.code,
        "other_email": "vikram@example.org",
        "description": "My uncle",
        "created_at": response.json()["created_at"],
    }
    assert conflict.other_user == mentor
    assert AuditEvent.objects.filter(action="profile.conflict_declared").count() == 1

    listed = client.get(URL).json()
    assert [item["code"] for item in listed] == [conflict.code]

    response = client.delete(f"{URL}/{conflict.code}")
    assert response.status_code == 204
    assert not ConflictOfInterest.objects.exists()
    assert AuditEvent.objects.filter(action="profile.conflict_withdrawn").count() == 1


def test_declare_bad_input_is_422_and_writes_nothing(login, mentee):
    client = login(mentee)
    for body, loc in [
        ({}, ["body", "payload"]),
        ({"other_email": "asha@example.org"}, ["body", "payload", "other_email"]),
        ({"other_email": "not-an-email"}, ["body", "payload", "other_email"]),
        ({"description": "x" * 301}, ["body", "payload", "description"]),
    ]:
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["loc"] == loc
    assert not ConflictOfInterest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="profile.").exists()


def test_conflicts_are_private_to_their_owner(login, mentee, outsider, mentor):
    conflict = conflict_declare(profile_for(mentee), other_email="", description="x", actor=mentee)
    assert login(mentor).get(URL).json() == []
    response = login(outsider).delete(f"{URL}/{conflict.code}")
    assert response.status_code == 404
    assert ConflictOfInterest.objects.count() == 1
    assert not AuditEvent.objects.filter(action="profile.conflict_withdrawn").exists()


def test_anonymous_cannot_delete(client, mentee):
    conflict = conflict_declare(profile_for(mentee), other_email="", description="x", actor=mentee)
    assert client.delete(f"{URL}/{conflict.code}").status_code == 401
    assert ConflictOfInterest.objects.count() == 1
