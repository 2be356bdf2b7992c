import pytest

from carementor.audit.models import AuditEvent


@pytest.mark.django_db
def test_it_needs_sign_in(client):
    response = client.get("/settings/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/account/"


def test_it_shows_my_current_settings(login, mentee):
    response = login(mentee).get("/settings/account/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="full_name" value="Asha Raman"' in html
    assert '<option value="Asia/Kolkata" selected>Asia/Kolkata</option>' in html
    assert '<option value="America/Argentina/Buenos_Aires">' in html
    assert '<option value="" selected>Same as my browser</option>' in html
    assert '<option value="hi">' in html
    assert 'href="/settings/tokens/"' in html and 'href="/accounts/2fa/"' in html


def test_saving_changes_name_timezone_and_language(login, mentee):
    client = login(mentee)
    response = client.post(
        "/settings/account/",
        {"full_name": " Dr  Asha Raman ", "timezone": "Europe/London", "language": "hi"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/settings/account/"
    assert response.cookies["django_language"].value == "hi"
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone, mentee.language) == (
        "Dr Asha Raman",
        "Europe/London",
        "hi",
    )
    event = AuditEvent.objects.get(action="account.updated")
    assert (event.actor, event.detail) == (
        mentee,
        {"fields": ["full_name", "language", "timezone"]},
    )
    # The confirmation is already in the new language.
    page = client.get("/settings/account/")
    assert page["Content-Language"] == "hi"


def test_choosing_the_browser_language_clears_the_cookie(login, mentee):
    mentee.language = "hi"
    mentee.save()
    client = login(mentee)
    client.cookies["django_language"] = "hi"
    response = client.post(
        "/settings/account/", {"full_name": "Asha Raman", "timezone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == ""
    mentee.refresh_from_db()
    assert mentee.language == ""


def test_the_saved_language_applies_on_a_new_device(login, mentee):
    mentee.language = "hi"
    mentee.save()
    response = login(mentee).get("/settings/account/")
    assert response["Content-Language"] == "hi"


def test_the_language_switcher_cookie_wins_over_the_saved_language(login, mentee):
    mentee.language = "hi"
    mentee.save()
    client = login(mentee)
    client.cookies["django_language"] = "en"
    assert client.get("/settings/account/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "A", "timezone": "Mars/Olympus", "language": ""}, "Select a valid choice"),
        ({"full_name": "A", "timezone": "", "language": ""}, "This field is required."),
        ({"full_name": "A", "timezone": "UTC", "language": "fr"}, "Select a valid choice"),
        ({"full_name": "x" * 151, "timezone": "UTC", "language": ""}, "at most 150 characters"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(login, mentee, data, message):
    response = login(mentee).post("/settings/account/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone, mentee.language) == (
        "Asha Raman",
        "Asia/Kolkata",
        "",
    )
    assert not AuditEvent.objects.filter(action="account.updated").exists()


def test_saving_unchanged_settings_records_nothing(login, mentee):
    login(mentee).post(
        "/settings/account/",
        {"full_name": "Asha Raman", "timezone": "Asia/Kolkata", "language": ""},
    )
    assert not AuditEvent.objects.filter(action="account.updated").exists()


def test_times_follow_the_new_timezone(login, mentee):
    import time_machine

    from carementor.accounts.services import token_create

    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        token_create(mentee, "script")
    client = login(mentee)
    client.post("/settings/account/", {"full_name": "Asha", "timezone": "UTC", "language": ""})
    assert "1 Mar 2026 09:00" in client.get("/settings/tokens/").content.decode()
    client.post(
        "/settings/account/", {"full_name": "Asha", "timezone": "Asia/Kolkata", "language": ""}
    )
    assert "1 Mar 2026 14:30" in client.get("/settings/tokens/").content.decode()
