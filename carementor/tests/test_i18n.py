"""The Hindi catalog and the language switcher."""

import pytest
from django.utils import translation


def test_switching_to_hindi_translates_the_dashboard(login, mentee):
    client = login(mentee)
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    page = client.get("/dashboard/")
    html = page.content.decode()
    assert page["Content-Language"] == "hi"
    assert '<html lang="hi">' in html
    assert "स्वागत है, Asha" in html
    assert "डैशबोर्ड" in html
    assert "आपकी प्रोफ़ाइल" in html
    assert "दो-चरणीय प्रमाणीकरण चालू करें" in html
    assert "Welcome, Asha" not in html
    # And back.
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    assert "Welcome, Asha" in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_allauth_sign_in_and_sign_up_pages_speak_hindi(client):
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    login = client.get("/accounts/login/").content.decode()
    assert "साइन इन करें" in login and "पासवर्ड" in login and "पासवर्ड भूल गए?" in login
    signup = client.get("/accounts/signup/").content.decode()
    assert "साइन अप करें" in signup and "पासवर्ड (दोबारा)" in signup


@pytest.mark.django_db
def test_the_home_page_and_error_pages_speak_hindi(client):
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    assert "स्वास्थ्य पेशेवरों के लिए मेंटरिंग और कोचिंग" in client.get("/").content.decode()
    assert "हमें वह पृष्ठ नहीं मिला" in client.get("/no-such-page/").content.decode()


def test_the_switcher_offers_english_and_hindi_by_their_own_names(client, db):
    html = client.get("/").content.decode()
    assert '<option value="en" selected>English</option>' in html
    assert '<option value="hi" >हिंदी</option>' in html


@pytest.mark.parametrize(
    ("english", "hindi"),
    [
        ("Welcome, %(name)s", "स्वागत है, %(name)s"),
        ("Token “%(name)s” revoked.", "टोकन “%(name)s” रद्द कर दिया गया।"),
        ("Successfully signed in as %(name)s.", "%(name)s के रूप में साइन इन हो गया।"),
    ],
)
def test_placeholders_survive_translation(english, hindi):
    with translation.override("hi"):
        assert translation.gettext(english) == hindi
        assert (translation.gettext(english) % {"name": "Ravi"}).count("Ravi") == 1
