from carementor.audit.models import AuditEvent
from carementor.profiles.models import ConflictOfInterest
from carementor.profiles.services import conflict_declare, profile_for

URL = "/profiles/me/conflicts/"


def test_lists_my_conflicts_only(login, mentee, mentor):
    conflict_declare(profile_for(mentee), other_email="", description="My uncle", actor=mentee)
    conflict_declare(profile_for(mentor), other_email="", description="Acme shares", actor=mentor)
    response = login(mentee).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "My uncle" in html
    assert "Acme shares" not in html
    assert "Only you can see this list" in html


def test_declare_by_email_and_description(login, mentee, mentor):
    response = login(mentee).post(
        URL, {"other_email": "vikram@example.org", "description": "My uncle"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.profile.user, conflict.other_user, conflict.description) == (
        mentee,
        mentor,
        "My uncle",
    )
    assert AuditEvent.objects.filter(action="profile.conflict_declared", actor=mentee).count() == 1
    assert "vikram@example.org" in login(mentee).get(URL).content.decode()


def test_declare_needs_something_and_not_myself(login, mentee):
    client = login(mentee)
    response = client.post(URL, {"other_email": "", "description": "  "})
    assert response.status_code == 422
    assert "Give their e-mail address, a description, or both." in response.content.decode()
    response = client.post(URL, {"other_email": "ASHA@example.org", "description": ""})
    assert response.status_code == 422
    assert "You cannot declare a conflict with yourself." in response.content.decode()
    response = client.post(URL, {"other_email": "not-an-email", "description": "x" * 301})
    assert response.status_code == 422
    assert not ConflictOfInterest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="profile.").exists()


def test_withdraw_mine(login, mentee):
    conflict = conflict_declare(profile_for(mentee), other_email="", description="x", actor=mentee)
    response = login(mentee).post(f"{URL}{conflict.code}/withdraw/")
    assert response.status_code == 302 and response["Location"] == URL
    assert not ConflictOfInterest.objects.exists()
    assert AuditEvent.objects.filter(action="profile.conflict_withdrawn").count() == 1


def test_cannot_withdraw_someone_elses(login, mentee, outsider):
    conflict = conflict_declare(profile_for(mentee), other_email="", description="x", actor=mentee)
    client = login(outsider)
    assert client.post(f"{URL}{conflict.code}/withdraw/").status_code == 404
    assert client.get(f"{URL}{conflict.code}/withdraw/").status_code == 405
    assert ConflictOfInterest.objects.count() == 1
    assert not AuditEvent.objects.filter(action="profile.conflict_withdrawn").exists()


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"description": "x"}).status_code == 302
    assert not ConflictOfInterest.objects.exists()
