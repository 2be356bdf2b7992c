"""Taking a check-in, seeing it and its signposting; nobody else sees it."""

from django.urls import reverse

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, assert_flat_queries, give_mfa, make_user
from carementor.wellbeing.models import CheckIn
from carementor.wellbeing.tests.helpers import GOOD, LOW, set_contacts, take


def form_data(answers, burnout=2, note=""):
    data = {f"item{i}": str(v) for i, v in enumerate(answers, start=1)}
    data.update(burnout=str(burnout), note=note)
    return data


def test_the_form_shows_the_who5_and_its_acknowledgement(login, mentee):
    html = login(mentee).get("/wellbeing/check-in/").content.decode()
    assert "I have felt cheerful and in good spirits" in html
    assert "Psychiatric Centre North Zealand" in html
    assert "Using your own definition of burnout" in html


def test_a_low_check_in_brings_the_organizations_contacts_and_tele_manas(login, mentee, hospital):
    set_contacts(hospital)
    client = login(mentee)
    response = client.post("/wellbeing/check-in/", form_data(LOW, burnout=4, note="tired"))
    checkin = CheckIn.objects.get(user=mentee)
    assert response.status_code == 302
    assert response["Location"] == f"/wellbeing/check-ins/{checkin.code}/"
    assert (checkin.score, checkin.burnout, checkin.raw_score) == (16, 4, 4)
    html = client.get(response["Location"]).content.decode()
    assert "Well-being score: 16 out of 100" in html
    assert "not a diagnosis" in html
    assert "CareFirst EAP" in html and "1800 123 4567" in html
    assert "Staff Health Clinic, Block C" in html
    assert "Tele-MANAS" in html and "14416" in html
    assert "symptoms of burnout" in html
    event = AuditEvent.objects.get(action="wellbeing.checkin.taken")
    assert event.actor == mentee and event.detail == {}


def test_a_good_check_in_does_not_signpost(login, mentee, hospital):
    set_contacts(hospital)
    client = login(mentee)
    response = client.post("/wellbeing/check-in/", form_data(GOOD, burnout=1))
    html = client.get(response["Location"]).content.decode()
    assert "Thank you for taking a moment" in html
    assert "CareFirst EAP" not in html


def test_worrying_words_in_the_note_signpost_even_with_a_good_score(login, mentee):
    client = login(mentee)
    response = client.post("/wellbeing/check-in/", form_data(GOOD, note="I can't go on"))
    html = client.get(response["Location"]).content.decode()
    assert "sounds heavy" in html and "Tele-MANAS" in html


def test_an_unanswered_form_is_refused_and_saves_nothing(login, mentee):
    response = login(mentee).post("/wellbeing/check-in/", {"item1": "3", "item2": "9"})
    assert response.status_code == 422
    assert "Please answer every statement." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_nobody_else_sees_a_check_in(client, mentee, mentor, org_admin, coordinator, outsider):
    checkin = take(mentee, LOW, note="private words")
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    give_mfa(staff)
    for other in (mentor, org_admin, coordinator, outsider, staff):
        client.force_login(other)
        assert client.get(f"/wellbeing/check-ins/{checkin.code}/").status_code == 404
        assert client.get(f"/api/v1/wellbeing/checkins/{checkin.code}").status_code == 404
        listed = client.get("/api/v1/wellbeing/checkins").json()
        assert listed["count"] == 0
        assert "private words" not in client.get("/wellbeing/").content.decode()


def test_the_checkin_is_not_in_the_django_admin(client, mentee):
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    give_mfa(staff)
    client.force_login(staff)
    assert client.get("/admin/wellbeing/checkin/").status_code == 404


def test_my_trend_shows_a_chart_and_a_table(login, mentee):
    take(mentee, LOW, burnout=4)
    take(mentee, GOOD, burnout=2)
    html = login(mentee).get("/wellbeing/").content.decode()
    assert '<svg role="img"' in html and "Your well-being over your last check-ins" in html
    assert "<td>16</td><td>4</td>" in html and "<td>76</td><td>2</td>" in html


def test_the_api_takes_a_check_in_and_returns_support_when_low(login, mentee, hospital):
    set_contacts(hospital)
    client = login(mentee)
    response = client.post(
        "/api/v1/wellbeing/checkins",
        {"answers": LOW, "burnout": 3, "note": ""},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["checkin"]["score"] == 16 and body["checkin"]["band"] == "low"
    assert body["support"]["contacts"][0]["eap_name"] == "CareFirst EAP"
    assert any(h["name"] == "Tele-MANAS" for h in body["support"]["helplines"])
    good = client.post(
        "/api/v1/wellbeing/checkins",
        {"answers": GOOD, "burnout": 1},
        content_type="application/json",
    ).json()
    assert good["support"] is None and good["worrying_words"] is False
    trend = client.get("/api/v1/wellbeing/trend").json()
    assert [p["score"] for p in trend] == [16, 76]
    questionnaire = client.get("/api/v1/wellbeing/questionnaire").json()
    assert len(questionnaire["items"]) == 5 and questionnaire["screening_at_or_below"] == 28


def test_bad_api_input_is_a_422_and_writes_nothing(login, mentee):
    client = login(mentee)
    for body in (
        {"answers": [1, 2, 3], "burnout": 2},
        {"answers": [1, 2, 3, 4, 9], "burnout": 2},
        {"answers": [1, 2, 3, 4, 5], "burnout": 0},
        {"answers": [1, 2, 3, 4, 5], "burnout": 2, "note": "a\x00b"},
        {"answers": [1, 2, 3, 4, 5], "burnout": 2, "note": "x" * 2001},
    ):
        response = client.post("/api/v1/wellbeing/checkins", body, content_type="application/json")
        assert response.status_code == 422, body
    assert not CheckIn.objects.exists()


def test_the_history_and_the_api_list_are_paginated_in_constant_queries(login, mentee):
    client = login(mentee)
    assert_flat_queries(
        lambda: client.get("/wellbeing/"), lambda k: [take(mentee) for _ in range(k)]
    )
    assert_flat_queries(
        lambda: client.get("/api/v1/wellbeing/checkins"),
        lambda k: [take(mentee) for _ in range(k)],
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("wellbeing:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_support_lists_the_help_lines_of_my_countries_first(login, mentee, trust):
    add_member(mentee, trust)
    html = login(mentee).get("/wellbeing/support/").content.decode()
    assert html.index("Tele-MANAS") < html.index("NHS Practitioner Health")
    assert "has not listed its support contacts yet" in html
    assert "988 Suicide" in html  # other countries' lines further down


def test_htmx_pages_through_the_history_alone(login, mentee):
    for _ in range(21):
        take(mentee)
    response = login(mentee).get("/wellbeing/?page=2", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="history"')
    assert "Page 2 of 2" in html and "Your trend" not in html
