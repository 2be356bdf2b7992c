"""The notification centre page, opening, marking read and the preference page."""

from carementor.notifications.models import EmailMode, Notification, NotificationPreference
from carementor.notifications.services import notify


def test_centre_lists_only_my_notifications(login, mentee, outsider):
    notify([mentee], "x", context={"title": "Agreement ready to sign", "url": "/mentorships/"})
    notify([outsider], "x", context={"title": "Secret for Tom"})
    response = login(mentee).get("/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Agreement ready to sign" in page and "Secret for Tom" not in page
    assert "Unread (1)" in page


def test_open_marks_read_and_redirects(login, mentee):
    (n,) = notify([mentee], "x", context={"title": "t", "url": "/mentorships/"})
    response = login(mentee).get(f"/notifications/{n.code}/")
    assert response.status_code == 302 and response["Location"] == "/mentorships/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_refuses_offsite_redirect(login, mentee):
    (n,) = notify([mentee], "x", context={"title": "t", "url": "https://evil.example/"})
    response = login(mentee).get(f"/notifications/{n.code}/")
    assert response["Location"] == "/notifications/"


def test_outsider_gets_404_on_someone_elses_notification(login, mentee, outsider):
    (n,) = notify([mentee], "x", context={"title": "t"})
    assert login(outsider).get(f"/notifications/{n.code}/").status_code == 404
    assert login(outsider).post(f"/notifications/{n.code}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(login, mentee, mentor):
    notify([mentee, mentor], "x", context={"title": "t"})
    notify([mentee], "x", context={"title": "u"})
    response = login(mentee).post("/notifications/read-all/")
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=mentee, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=mentor, read_at__isnull=True).count() == 1


def test_preference_page(login, mentee):
    assert login(mentee).get("/notifications/preferences/").status_code == 200
    response = login(mentee).post("/notifications/preferences/", {"email_mode": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=mentee).email_mode == EmailMode.DIGEST
    bad = login(mentee).post("/notifications/preferences/", {"email_mode": "hourly"})
    assert bad.status_code == 422
    assert NotificationPreference.objects.get(user=mentee).email_mode == EmailMode.DIGEST


def test_anonymous_is_sent_to_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
