"""Each mentoring role's definition is shown where a profile chooses or shows roles."""

import pytest
from django.utils.html import escape

from carementor.profiles.models import Profile
from carementor.profiles.roles import ROLES

pytestmark = pytest.mark.django_db


def test_the_profile_form_defines_every_role_offered_and_sought(login, mentee):
    text = login(mentee).get("/profiles/me/").content.decode()
    for role in ROLES.values():
        choice = escape(f"{role.label} — {role.definition}")
        # Once under "Roles I offer", once under "Roles I am looking for".
        assert text.count(choice) == 2, role.value


def test_the_form_still_saves_role_values(login, mentee):
    from carementor.profiles.forms import ProfileForm

    field = ProfileForm.base_fields["roles_sought"]
    assert [value for value, _label in field.choices] == list(ROLES)


def test_a_profile_shows_what_its_roles_mean(login, mentor):
    profile, _created = Profile.objects.update_or_create(
        user=mentor, defaults={"roles_offered": ["sponsor"], "mentoring_capacity": 1}
    )
    text = login(mentor).get(f"/profiles/{profile.code}/").content.decode()
    assert f'title="{escape(str(ROLES["sponsor"].definition))}"' in text
