"""Searchable pickers: the profile editor sends only the chosen specialties, languages and
country, fetches matches as the person types, and offers the whole list without JavaScript."""

import pytest

from carementor.profiles.models import Profile


def test_the_editor_sends_the_chosen_options_not_the_lists(login, mentee, asha_profile):
    html = login(mentee).get("/profiles/me/").content.decode()
    assert '<select name="specialties"' not in html and '<select name="country"' not in html
    assert '<input type="checkbox" name="specialties" value="paediatrics" checked>' in html
    assert '<input type="radio" name="country" value="IN" checked>' in html
    assert 'hx-get="/profiles/me/options/specialties/"' in html
    assert 'href="?full=1#field-specialties"' in html  # the list without JavaScript
    assert 'aria-label="Search the list"' in html


def test_typing_fetches_matches_and_keeps_what_is_ticked(login, mentee, asha_profile):
    client = login(mentee)
    response = client.get(
        "/profiles/me/options/specialties/", {"q": "paed", "specialties": ["paediatrics"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('value="paediatrics" checked') < html.index('value="paediatric-cardiology">')
    assert html.count('value="paediatrics"') == 1  # a chosen option is not offered twice
    languages = client.get("/profiles/me/options/languages/", {"q": "tamil"}).content.decode()
    assert '<input type="checkbox" name="languages" value="ta">' in languages
    countries = client.get("/profiles/me/options/countries/", {"q": "zz-none"}).content.decode()
    assert "Nothing matches “zz-none”." in countries
    assert client.get("/profiles/me/options/passwords/").status_code == 404


@pytest.mark.django_db
def test_options_need_sign_in(client):
    response = client.get("/profiles/me/options/specialties/", {"q": "a"})
    assert response.status_code == 302


def test_matches_are_few_however_long_the_list(login, mentee, asha_profile):
    html = login(mentee).get("/profiles/me/options/countries/", {"q": "a"}).content.decode()
    assert html.count('name="country"') <= 20


def test_saving_from_the_pickers_and_unticking_everything(login, mentee, asha_profile):
    from carementor.profiles.tests.conftest import profile_post

    client = login(mentee)
    response = client.post("/profiles/me/", profile_post(specialties=["paediatrics"]))
    assert response.status_code == 302
    profile = Profile.objects.get(user=mentee)
    assert list(profile.specialties.values_list("code", flat=True)) == ["paediatrics"]
    data = profile_post()
    del data["specialties"]  # every box unticked: nothing is posted
    assert client.post("/profiles/me/", data).status_code == 302
    assert not profile.specialties.exists()


def test_without_javascript_the_whole_list_is_one_link_away(login, mentee, asha_profile):
    html = login(mentee).get("/profiles/me/?full=1").content.decode()
    assert '<select name="specialties"' in html and '<select name="country"' in html
    assert 'name="q"' not in html


def test_the_api_searches_the_same_way(login, mentee, asha_profile):
    client = login(mentee)
    specialties = client.get("/api/v1/vocabularies/specialties", {"q": "cardio"}).json()
    codes = {s["code"] for s in specialties}
    assert "paediatric-cardiology" in codes and "paediatrics" not in codes
    languages = client.get("/api/v1/vocabularies/languages", {"q": "TA"}).json()
    assert "ta" in [row["code"] for row in languages]
    countries = client.get("/api/v1/vocabularies/countries", {"q": "ind"}).json()
    assert "IN" in [row["code"] for row in countries]


def test_the_pickers_make_the_first_load_much_lighter(login, mentee, asha_profile):
    client = login(mentee)
    light = len(client.get("/profiles/me/").content)
    full = len(client.get("/profiles/me/?full=1").content)
    assert full - light > 20_000, (light, full)
