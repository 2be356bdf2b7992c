import pytest
from django.contrib.messages import get_messages

from carementor.audit.models import AuditEvent
from carementor.profiles.models import Profile, ProfileCompetency
from carementor.profiles.tests.conftest import profile_post


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/profiles/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_new_profile_shows_what_is_missing_and_every_section(login, mentee, vocab):
    response = login(mentee).get("/profiles/me/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress class="meter" max="100" value="15"' in html
    assert "15% complete" in html
    assert '<a href="#field-profession">your profession</a>' in html
    assert '<a href="#field-competencies">your competencies' in html
    for legend in (
        "About you",
        "Profession and practice",
        "Languages and location",
        "Availability",
        "Competencies",
        "Goals and interests",
        "Mentoring",
        "Direct supervisor",
        "Who can see your profile",
    ):
        assert f"<legend>{legend}</legend>" in html
    # Digital-health competencies come first and open; other domains start folded, their
    # selects left out of the page until opened.
    assert html.index(
        '<details id="group-digital" open>\n      <summary><strong>Digital health</strong>'
    ) < html.index(
        '<details id="group-clinical" hx-get="/profiles/me/competencies/clinical/"'
        ' hx-trigger="toggle once" hx-target="find .rows" hx-swap="innerHTML">\n'
        "      <summary><strong>Clinical practice</strong>"
    )
    assert '<a href="?group=clinical#group-clinical">Show these competencies</a>' in html
    assert 'name="timezone" value="Asia/Kolkata"' in html
    # Timezone suggestions arrive when the field is focused.
    assert '<datalist id="timezone-options"></datalist>' in html
    assert 'hx-get="/profiles/me/timezones/"' in html
    assert 'hx-post="/profiles/me/validate/?field=years_in_practice"' in html
    assert Profile.objects.filter(user=mentee).count() == 1


def test_existing_values_are_shown(login, mentee, asha_profile):
    html = login(mentee).get("/profiles/me/").content.decode()
    assert "100% complete" in html
    assert '<option value="physician" selected>' in html
    assert '<input type="checkbox" name="specialties" value="paediatrics" checked>' in html
    assert 'value="on_call" selected' in html
    assert 'name="competencies-' in html and '<option value="4" selected>4 · Proficient' in html
    # A domain with a rating starts open, and says how many are rated.
    assert (
        '<details id="group-clinical" open>\n      <summary><strong>Clinical practice</strong>'
        in html
    )
    assert "(1 of " in html


def test_specialties_are_grouped_with_the_profession_group_first(login, mentee, asha_profile):
    # The whole list, as browsers without JavaScript get it (see test_pickers).
    html = login(mentee).get("/profiles/me/?full=1").content.decode()
    select = html[html.index('<select name="specialties"') :].split("</select>")[0]
    groups = select.count("<optgroup")
    assert groups > 2
    # Alphabetically "Allied health" would come first; the profession's group leads instead.
    assert select.index("<optgroup") == select.index('<optgroup label="Medicine">')
    assert 'value="general-nursing"' in select  # other groups stay on offer


def test_save_writes_everything_and_audits(login, mentee, mentor, vocab):
    client = login(mentee)
    response = client.post(
        "/profiles/me/", profile_post(supervisor_email="Vikram@example.org", visibility="platform")
    )
    assert response.status_code == 302
    assert response["Location"] == "/profiles/me/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your profile is saved."]

    profile = Profile.objects.get(user=mentee)
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone) == ("Dr Asha Raman", "Asia/Kolkata")
    assert (profile.profession, profile.career_stage, profile.country) == (
        vocab.physician,
        vocab.resident,
        vocab.india,
    )
    assert set(profile.specialties.values_list("code", flat=True)) == {
        "paediatrics",
        "paediatric-cardiology",
    }
    assert set(profile.languages.values_list("code", flat=True)) == {"en", "ta"}
    assert profile.preferred_slots == ["weekday_evening", "weekend_morning"]
    assert profile.meeting_formats == ["video", "phone"]
    assert (profile.roles_offered, profile.roles_sought) == (["peer"], ["mentor", "peer"])
    assert (profile.mentoring_capacity, profile.hours_per_month, profile.years_in_practice) == (
        1,
        4,
        2,
    )
    assert (profile.supervisor, profile.visibility) == (mentor, "platform")
    assert list(
        ProfileCompetency.objects.filter(profile=profile).values_list(
            "competency__code", "level", "target_level"
        )
    ) == [("ehr-use", 2, 4)]
    event = AuditEvent.objects.get(action="profile.updated")
    assert event.actor == mentee and event.target_id == profile.code
    assert "supervisor" in event.detail["fields"]

    # The completeness indicator reflects the save.
    html = client.get("/profiles/me/").content.decode()
    assert "100% complete" in html


def test_saving_again_replaces_competencies(login, mentee, asha_profile):
    response = login(mentee).post(
        "/profiles/me/",
        profile_post(**{"competencies-0-level": "", "competencies-0-target_level": ""}),
    )
    assert response.status_code == 302
    assert not ProfileCompetency.objects.filter(profile=asha_profile).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"years_in_practice": "71"}, "years_in_practice", "less than or equal to 70"),
        ({"hours_per_month": "-1"}, "hours_per_month", "greater than or equal to 0"),
        ({"roles_offered": None}, "mentoring_capacity", "You offer no roles."),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "is not a known timezone"),
        ({"specialties": ["not-a-specialty"]}, "specialties", "is not a known specialty"),
        ({"country": "XX"}, "country", "is not a known country code"),
        ({"preferred_slots": ["teatime"]}, "preferred_slots", "Select a valid choice"),
        ({"visibility": "everyone"}, "visibility", "Select a valid choice"),
        ({"supervisor_email": "tom@example.org"}, "supervisor_email", "No one in your"),
        ({"supervisor_email": "asha@example.org"}, "supervisor_email", "your own supervisor"),
        ({"competencies-0-target_level": "2"}, "competencies-0-target_level", "must be above"),
        (
            {"competencies-1-level": "", "competencies-1-target_level": "3"},
            "competencies-1-target_level",
            "Rate your current level first.",
        ),
        ({"competencies-1-competency": "juggling"}, "competencies-1-competency", "not a known"),
        ({"competencies-1-level": "6"}, "competencies-1-level", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    login, mentee, outsider, asha_profile, overrides, field, message
):
    before = Profile.objects.get(pk=asha_profile.pk)
    response = login(mentee).post("/profiles/me/", profile_post(**overrides))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Please correct the fields marked below." in html
    error_block = html[html.index(f'id="id_{field}_error"') :][:300]
    assert message in error_block
    after = Profile.objects.get(pk=asha_profile.pk)
    assert (after.updated_at, after.headline) == (before.updated_at, before.headline)
    mentee.refresh_from_db()
    assert mentee.full_name == "Asha Raman"
    assert asha_profile.competency_levels.count() == 2
    assert not AuditEvent.objects.filter(action="profile.updated").exists()


def test_duplicate_competency_rows_are_refused(login, mentee, asha_profile):
    response = login(mentee).post(
        "/profiles/me/", profile_post(**{"competencies-1-competency": "ehr-use"})
    )
    assert response.status_code == 422
    assert "“ehr-use” is listed twice." in response.content.decode()
    assert not AuditEvent.objects.filter(action="profile.updated").exists()


def test_a_supervisor_who_left_can_be_kept(login, mentee, mentor, asha_profile):
    asha_profile.supervisor = mentor
    asha_profile.save()
    mentor.memberships.all().delete()
    response = login(mentee).post(
        "/profiles/me/", profile_post(supervisor_email="vikram@example.org")
    )
    assert response.status_code == 302
    assert Profile.objects.get(pk=asha_profile.pk).supervisor == mentor


def test_edit_only_ever_touches_my_own_profile(login, mentor, asha_profile):
    login(mentor).post("/profiles/me/", profile_post(headline="Hijacked"))
    assert Profile.objects.get(pk=asha_profile.pk).headline == "Paediatrics resident, Chennai"
    assert Profile.objects.get(user=mentor).headline == "Hijacked"


def test_other_methods_are_not_allowed(login, mentee, db):
    assert login(mentee).delete("/profiles/me/").status_code == 405
