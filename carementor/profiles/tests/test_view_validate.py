from carementor.audit.models import AuditEvent
from carementor.profiles.models import Profile
from carementor.profiles.tests.conftest import profile_post

URL = "/profiles/me/validate/"


def validate(client, field, **overrides):
    return client.post(f"{URL}?field={field}", profile_post(**overrides), HTTP_HX_REQUEST="true")


def test_valid_field_comes_back_without_errors(login, mentee, vocab):
    response = validate(login(mentee), "years_in_practice")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div class="field" id="field-years_in_practice"')
    assert 'hx-post="/profiles/me/validate/?field=years_in_practice"' in html
    assert 'name="years_in_practice" value="2"' in html
    assert "errorlist" not in html
    assert "<html" not in html  # a partial, not the page


def test_years_out_of_range(login, mentee, vocab):
    html = validate(login(mentee), "years_in_practice", years_in_practice="99").content.decode()
    assert 'aria-invalid="true"' in html
    assert "Ensure this value is less than or equal to 70." in html


def test_unknown_timezone(login, mentee, vocab):
    html = validate(login(mentee), "timezone", timezone="Asia/Chennai").content.decode()
    assert "“Asia/Chennai” is not a known timezone." in html


def test_capacity_without_roles_offered_and_the_related_field_out_of_band(login, mentee, vocab):
    html = validate(
        login(mentee), "mentoring_capacity", roles_offered=None, mentoring_capacity="3"
    ).content.decode()
    main, oob = html.split('<div class="field" id="field-roles_offered"')
    assert "You offer no roles." in main
    assert 'hx-swap-oob="true"' in oob and "errorlist" not in oob

    # Ticking a role clears the capacity error, shown out of band.
    html = validate(
        login(mentee), "roles_offered", roles_offered=["mentor"], mentoring_capacity="3"
    ).content.decode()
    assert 'id="field-mentoring_capacity"' in html
    assert "You offer no roles." not in html


def test_changing_profession_refreshes_specialties_out_of_band(login, mentee, vocab):
    html = validate(
        login(mentee), "profession", profession="registered-nurse", specialties=[]
    ).content.decode()
    specialties = html[html.index('<div class="field" id="field-specialties"') :]
    assert 'hx-swap-oob="true"' in specialties
    assert 'value="general-nursing"' in specialties
    assert 'value="paediatrics"' not in specialties


def test_competency_row_target_must_exceed_level(login, mentee, vocab):
    response = validate(
        login(mentee),
        "competencies-0",
        **{"competencies-0-level": "4", "competencies-0-target_level": "3"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<tr id="row-competencies-0"')
    assert "A target must be above your current level (4)." in html


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
