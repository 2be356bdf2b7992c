"""The profile editor stays light: folded competency groups and timezone suggestions load
when the person needs them (htmx), and without JavaScript a link opens a group instead."""

from carementor.profiles.models import Competency, ProfileCompetency
from carementor.profiles.tests.conftest import profile_post


def test_it_leaves_folded_groups_selects_out_of_the_page(login, mentee, vocab):
    html = login(mentee).get("/profiles/me/").content.decode()
    index = html.index('value="clinical-reasoning"')
    row = html[html.rindex("<input", 0, index) : index]
    assert 'type="hidden"' in row
    name = row.split('name="', 1)[1].split('"', 1)[0]  # competencies-N-competency
    assert f'name="{name.replace("competency", "level")}"' not in html
    # The open digital-health group has its selects.
    assert "Your level: EHR use" in html


def test_it_loads_a_folded_group_when_opened(login, mentee, vocab):
    client = login(mentee)
    page = client.get("/profiles/me/").content.decode()
    response = client.get("/profiles/me/competencies/clinical/")
    html = response.content.decode()
    assert response.status_code == 200
    clinical = Competency.objects.get(code="clinical-reasoning")
    assert f"<strong>{clinical.name}</strong>" in html
    assert f"Your level: {clinical.name}" in html
    assert "EHR use" not in html
    # Same row numbers as the page, and no second hidden input for the competency.
    row = html[: html.index(f"Your level: {clinical.name}")]
    level_name = row[row.rindex('name="') :].split('"', 2)[1]
    assert level_name.endswith("-level")
    competency_name = level_name.replace("-level", "-competency")
    assert f'name="{competency_name}" value="clinical-reasoning"' in page
    assert 'type="hidden"' not in html


def test_it_opens_a_group_without_javascript(login, mentee, vocab):
    html = login(mentee).get("/profiles/me/?group=clinical").content.decode()
    assert '<details id="group-clinical" open>' in html
    assert f"Your level: {Competency.objects.get(code='clinical-reasoning').name}" in html


def test_an_unknown_group_is_a_bad_request(login, mentee, vocab):
    assert login(mentee).get("/profiles/me/competencies/nope/").status_code == 400


def test_strangers_are_sent_to_sign_in(client, db):
    for url in ("/profiles/me/competencies/clinical/", "/profiles/me/timezones/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_saving_without_opening_a_folded_group_keeps_it_unrated(login, mentee, asha_profile):
    ProfileCompetency.objects.filter(competency__code="clinical-reasoning").delete()
    data = profile_post(
        **{
            "competencies-TOTAL_FORMS": "3",
            # Only the hidden code, as the page posts a group nobody opened.
            "competencies-2-competency": "clinical-reasoning",
        }
    )
    response = login(mentee).post("/profiles/me/", data)
    assert response.status_code == 302
    assert sorted(
        ProfileCompetency.objects.filter(profile=asha_profile).values_list(
            "competency__code", "level"
        )
    ) == [("ehr-use", 2)]


def test_it_sends_timezone_suggestions_on_request(login, mentee, vocab):
    response = login(mentee).get("/profiles/me/timezones/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<datalist id="timezone-options">')
    assert '<option value="Asia/Kolkata"></option>' in html
    assert "private" in response["Cache-Control"]
