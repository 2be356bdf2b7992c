"""Notifications API."""

from carementor.notifications.models import Notification
from carementor.notifications.services import notify


def test_list_unread_and_mark(login, mentee, outsider):
    notify([mentee], "x", context={"title": "One"})
    (two,) = notify([mentee], "x", context={"title": "Two"})
    notify([outsider], "x", context={"title": "Not yours"})
    client = login(mentee)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert [item["title"] for item in body["items"]] == ["Two", "One"]

    response = client.post(f"/api/v1/notifications/{two.code}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}


def test_outsider_cannot_mark_someone_elses(login, mentee, outsider):
    (n,) = notify([mentee], "x", context={"title": "One"})
    response = login(outsider).post(f"/api/v1/notifications/{n.code}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Notification.objects.get().read_at is None


def test_preferences(login, mentee):
    client = login(mentee)
    assert client.get("/api/v1/notifications/preferences").json() == {"email_mode": "immediate"}
    ok = client.put(
        "/api/v1/notifications/preferences", {"email_mode": "off"}, content_type="application/json"
    )
    assert ok.json() == {"email_mode": "off"}
    bad = client.put(
        "/api/v1/notifications/preferences",
        {"email_mode": "hourly"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert client.get("/api/v1/notifications/preferences").json() == {"email_mode": "off"}


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
