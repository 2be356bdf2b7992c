import pytest
from django.utils.html import escape

from carementor.lib.testing import give_mfa, make_user
from carementor.profiles.models import Visibility
from carementor.profiles.roles import ROLES
from carementor.profiles.services import conflict_declare


@pytest.fixture
def declared(asha_profile, mentee, mentor):
    asha_profile.supervisor = mentor
    asha_profile.save()
    return conflict_declare(
        asha_profile, other_email="uncle@example.org", description="My uncle", actor=mentee
    )


def test_owner_sees_how_others_see_it(login, mentee, asha_profile):
    response = login(mentee).get(f"/profiles/{asha_profile.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "This is how others see your profile. Who can see it: People in my organizations." in html
    )
    assert "<h1>Asha Raman</h1>" in html


def test_colleague_sees_the_profile_but_no_email_supervisor_or_conflicts(
    login, mentor, asha_profile, declared
):
    response = login(mentor).get(f"/profiles/{asha_profile.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Asha Raman</h1>" in html
    assert '<p class="lead">Paediatrics resident, Chennai</p>' in html
    assert "<dt>Specialties</dt><dd>Paediatrics</dd>" in html
    assert "<dt>Location</dt>" in html and "Chennai, Tamil Nadu, India" in html
    assert "<dt>Looking for</dt><dd>" in html
    for role in ("mentor", "peer"):  # each with its definition
        definition = escape(str(ROLES[role].definition))
        label = ROLES[role].label
        assert f'<abbr title="{definition}">{label}</abbr>' in html
    assert "<dt>Shift pattern</dt><dd>Frequent on-call</dd>" in html
    assert "<h3>Digital health</h3>" in html
    assert "This is how others see your profile" not in html
    for secret in ("asha@example.org", "uncle", "vikram@example.org", "Vikram"):
        assert secret not in html.split('<main id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize("visibility", [Visibility.ORGANIZATION, Visibility.PRIVATE])
def test_outsider_gets_404(login, outsider, asha_profile, visibility):
    asha_profile.visibility = visibility
    asha_profile.save()
    response = login(outsider).get(f"/profiles/{asha_profile.code}/")
    assert response.status_code == 404
    assert "Asha" not in response.content.decode()


def test_private_profile_is_hidden_from_colleagues(login, mentor, asha_profile):
    asha_profile.visibility = Visibility.PRIVATE
    asha_profile.save()
    assert login(mentor).get(f"/profiles/{asha_profile.code}/").status_code == 404


def test_platform_profile_is_visible_to_the_outsider(login, outsider, asha_profile):
    asha_profile.visibility = Visibility.PLATFORM
    asha_profile.save()
    response = login(outsider).get(f"/profiles/{asha_profile.code}/")
    assert response.status_code == 200
    assert "<h1>Asha Raman</h1>" in response.content.decode()


def test_platform_staff_see_a_private_profile(login, asha_profile):
    staff = make_user("staff@example.org", is_staff=True)
    give_mfa(staff)
    asha_profile.visibility = Visibility.PRIVATE
    asha_profile.save()
    assert login(staff).get(f"/profiles/{asha_profile.code}/").status_code == 200


def test_unknown_code_and_anonymous(client, login, mentee, asha_profile):
    assert login(mentee).get("/profiles/zzzzzzzzzzzz/").status_code == 404
    client.logout()
    response = client.get(f"/profiles/{asha_profile.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
