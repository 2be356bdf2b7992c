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


def _catalog_entries() -> list[str]:
    from django.conf import settings

    text = (settings.BASE_DIR / "locale" / "hi" / "LC_MESSAGES" / "django.po").read_text()
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_the_hindi_catalog_is_complete_and_has_no_guesses():
    """Every string the interface shows has a Hindi translation that a person wrote or checked:
    no empty msgstr (the header aside) and no fuzzy entry, which gettext would not use."""
    untranslated, fuzzy = [], []
    for block in _catalog_entries()[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not lines:
            continue  # an obsolete entry
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            fuzzy.append(block)
        body = "\n".join(line for line in lines if not line.startswith("#"))
        strings = body.split("msgstr", 1)[1]
        if any(chunk.strip() in ('""', "") for chunk in _msgstr_values(strings)):
            untranslated.append(block)
    assert not untranslated, f"{len(untranslated)} untranslated, first: {untranslated[0]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, first: {fuzzy[0]}"


def _msgstr_values(text: str) -> list[str]:
    """The quoted parts of msgstr (or each msgstr[n]), joined per form."""
    values, current = [], []
    for line in ("msgstr" + text).splitlines():
        line = line.strip()
        if line.startswith("msgstr"):
            if current:
                values.append("".join(current))
            current = [line.split(" ", 1)[1] if " " in line else ""]
        elif line.startswith('"'):
            current.append(line)
    values.append("".join(current))
    return [v.replace('""', "") or '""' for v in values]
