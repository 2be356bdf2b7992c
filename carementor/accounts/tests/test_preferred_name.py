"""A chosen "name to greet you by": set on the settings page or by PATCH /api/v1/me, used by
the dashboard greeting and the account menu; never a title alone."""

import json

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent


def test_the_chosen_name_wins_over_the_given_name() -> None:
    user = User(email="m@example.org", full_name="Dr Meera Pillai", preferred_name=" Dr Pillai ")
    assert user.get_short_name() == "Dr Pillai"
    user.preferred_name = "  "
    assert user.get_short_name() == "Meera"


def test_a_titled_name_is_greeted_by_the_given_name_until_one_is_chosen(login, mentee):
    mentee.full_name = "Dr Meera Pillai"
    mentee.save(update_fields=["full_name"])
    client = login(mentee)
    body = client.get("/dashboard/").content.decode()
    assert "Welcome, Meera" in body and "Welcome, Dr<" not in body

    response = client.post(
        "/settings/account/",
        {
            "full_name": "Dr Meera Pillai",
            "preferred_name": "  Meera  Ji ",
            "timezone": "Asia/Kolkata",
            "language": "",
        },
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.preferred_name == "Meera Ji"
    page = client.get("/dashboard/").content.decode()
    assert "<h1>Welcome, Meera Ji</h1>" in page
    assert "<summary>Meera Ji</summary>" in page  # the account menu
    settings_page = client.get("/settings/account/").content.decode()
    assert 'name="preferred_name" value="Meera Ji"' in settings_page
    assert "Name to greet you by" in settings_page
    event = AuditEvent.objects.filter(action="account.updated").latest("pk")
    assert event.detail == {"fields": ["preferred_name"]}


def test_the_api_sets_and_clears_the_name(login, mentee):
    client = login(mentee)
    response = client.patch(
        "/api/v1/me", data=json.dumps({"preferred_name": "Ash"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["preferred_name"] == "Ash"
    assert response.json()["greeting_name"] == "Ash"
    response = client.patch(
        "/api/v1/me", data=json.dumps({"preferred_name": ""}), content_type="application/json"
    )
    assert response.json()["greeting_name"] == "Asha"


def test_bad_names_are_refused_and_write_nothing(login, mentee):
    client = login(mentee)
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"preferred_name": "A" * 61}),
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        "/settings/account/",
        {"full_name": "Asha Raman", "preferred_name": "As\u200bha", "timezone": "UTC"},
    )
    assert response.status_code == 422
    mentee.refresh_from_db()
    assert mentee.preferred_name == ""
