import re

from carementor.audit.models import AuditEvent
from carementor.profiles.models import Profile
from carementor.profiles.tests.conftest import profile_post

URL = "/profiles/me/validate/"


def validate(client, field, **overrides):
    return client.post(f"{URL}?field={field}", profile_post(**overrides), HTTP_HX_REQUEST="true")


def test_the_page_wires_every_field_to_the_check(login, mentee, vocab):
    html = login(mentee).get("/profiles/me/").content.decode()
    assert (
        '<div class="field" id="field-years_in_practice"\n'
        '     hx-post="/profiles/me/validate/?field=years_in_practice" hx-trigger="change" '
        'hx-target="#errors-years_in_practice" hx-swap="innerHTML" '
        'hx-sync="closest form:queue all">'
    ) in html
    assert '<div id="errors-years_in_practice" role="alert"></div>' in html
    # Folded competency groups arrive when opened; their rows are wired the same way.
    if 'hx-post="/profiles/me/validate/?field=competencies-0"' not in html:
        folded = re.search(r'hx-get="(/profiles/[^"]+)" hx-trigger="toggle once"', html)
        assert folded is not None
        html = login(mentee).get(folded.group(1)).content.decode()
    assert 'hx-post="/profiles/me/validate/?field=competencies-0"' in html
    assert '<div id="errors-competencies-0" role="alert"></div>' in html


def test_a_valid_field_answers_with_no_errors(login, mentee, vocab):
    response = validate(login(mentee), "years_in_practice")
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_years_out_of_range(login, mentee, vocab):
    html = validate(login(mentee), "years_in_practice", years_in_practice="99").content.decode()
    assert html.strip() == (
        '<ul class="errorlist" id="id_years_in_practice_error">'
        "<li>Ensure this value is less than or equal to 70.</li></ul>"
    )


def test_unknown_timezone(login, mentee, vocab):
    html = validate(login(mentee), "timezone", timezone="Asia/Chennai").content.decode()
    assert "“Asia/Chennai” is not a known timezone." in html
    assert "<html" not in html and "<input" not in html  # errors only, never the field


def test_capacity_without_roles_offered_and_the_related_field_out_of_band(login, mentee, vocab):
    html = validate(
        login(mentee), "mentoring_capacity", roles_offered=None, mentoring_capacity="3"
    ).content.decode()
    main, oob = html.split('<div id="errors-roles_offered" hx-swap-oob="innerHTML">')
    assert "You offer no roles." in main
    assert "errorlist" not in oob

    # Ticking a role clears the capacity error, sent out of band.
    html = validate(
        login(mentee), "roles_offered", roles_offered=["mentor"], mentoring_capacity="3"
    ).content.decode()
    assert html.strip() == ('<div id="errors-mentoring_capacity" hx-swap-oob="innerHTML"></div>')


def test_competency_row_target_must_exceed_level(login, mentee, vocab):
    response = validate(
        login(mentee),
        "competencies-0",
        **{"competencies-0-level": "4", "competencies-0-target_level": "3"},
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<ul class="errorlist" id="id_competencies-0-target_level_error">'
        "<li>A target must be above your current level (4).</li></ul>"
    )


def test_competency_row_that_is_fine(login, mentee, vocab):
    response = validate(login(mentee), "competencies-0")
    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_unknown_fields_are_a_bad_request(login, mentee, vocab):
    client = login(mentee)
    assert validate(client, "is_staff").status_code == 400
    assert validate(client, "competencies-99").status_code == 400
    assert validate(client, "competencies-x").status_code == 400


def test_validation_writes_nothing(login, mentee, asha_profile):
    validate(login(mentee), "headline", headline="Changed")
    assert Profile.objects.get(pk=asha_profile.pk).headline == "Paediatrics resident, Chennai"
    assert not AuditEvent.objects.filter(action__startswith="profile.").exists()


def test_only_post_and_only_signed_in(client, login, mentee, vocab):
    assert client.post(f"{URL}?field=city").status_code == 302
    assert login(mentee).get(f"{URL}?field=city").status_code == 405
