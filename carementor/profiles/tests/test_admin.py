import pytest

from carementor.lib.testing import give_mfa, make_user
from carementor.profiles.services import conflict_declare
from carementor.profiles.tests.conftest import add_colleagues, queries_for


@pytest.fixture
def superuser(db):
    user = make_user("root@example.org", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


@pytest.mark.parametrize(
    "model",
    [
        "profession",
        "careerstage",
        "specialty",
        "competency",
        "language",
        "country",
        "profile",
        "profilecompetency",
        "conflictofinterest",
    ],
)
def test_changelists_load_and_search(login, superuser, asha_profile, model):
    conflict_declare(asha_profile, other_email="", description="Uncle", actor=asha_profile.user)
    client = login(superuser)
    assert client.get(f"/admin/profiles/{model}/").status_code == 200
    assert client.get(f"/admin/profiles/{model}/?q=a").status_code == 200


def test_profile_change_page(login, superuser, asha_profile):
    response = login(superuser).get(f"/admin/profiles/profile/{asha_profile.pk}/change/")
    assert response.status_code == 200
    assert "Paediatrics resident, Chennai" in response.content.decode()


def test_profile_changelist_queries_do_not_grow_with_rows(
    login, superuser, hospital, vocab, django_assert_max_num_queries
):
    client = login(superuser)
    add_colleagues(hospital, vocab, 2)
    baseline = queries_for(client, "/admin/profiles/profile/")
    add_colleagues(hospital, vocab, 15, start=2)
    with django_assert_max_num_queries(baseline):
        assert client.get("/admin/profiles/profile/").status_code == 200


def test_members_cannot_open_the_admin(login, mentee, db):
    assert login(mentee).get("/admin/profiles/profile/").status_code == 302
