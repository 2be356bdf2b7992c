import pytest
from django.http import Http404

from carementor.lib.testing import add_member, make_user
from carementor.profiles.models import Profile, Visibility
from carementor.profiles.permissions import get_conflict_for, get_profile_for
from carementor.profiles.services import conflict_declare, profile_for


@pytest.fixture
def stranger(db):
    """Signed in, but in no organization at all."""
    return make_user("nobody@example.org", full_name="No Body")


@pytest.fixture
def staff(db):
    from carementor.lib.testing import give_mfa

    user = make_user("staff@example.org", is_staff=True)
    give_mfa(user)
    return user


VIEWERS = ("owner", "colleague", "outsider", "stranger", "staff")


@pytest.mark.parametrize(
    ("visibility", "sees"),
    [
        (Visibility.PRIVATE, {"owner", "staff"}),
        (Visibility.ORGANIZATION, {"owner", "colleague", "staff"}),
        (Visibility.PLATFORM, set(VIEWERS)),
    ],
)
def test_visibility_matrix(visibility, sees, mentee, mentor, outsider, stranger, staff):
    profile = profile_for(mentee)
    profile.visibility = visibility
    profile.save()
    viewers = dict(zip(VIEWERS, (mentee, mentor, outsider, stranger, staff), strict=True))
    for name, viewer in viewers.items():
        visible = Profile.objects.visible_to(viewer).filter(pk=profile.pk).exists()
        assert visible is (name in sees), name
        if name in sees:
            assert get_profile_for(viewer, profile.code) == profile
        else:
            with pytest.raises(Http404):
                get_profile_for(viewer, profile.code)


def test_colleague_in_a_second_shared_organization_sees(mentee, outsider, trust):
    profile = profile_for(mentee)
    add_member(mentee, trust)
    assert get_profile_for(outsider, profile.code) == profile


def test_deactivated_owner_is_hidden_from_others(mentee, mentor):
    profile = profile_for(mentee)
    mentee.is_active = False
    mentee.save()
    with pytest.raises(Http404):
        get_profile_for(mentor, profile.code)


def test_unknown_code_and_write_access(mentee, mentor):
    profile = profile_for(mentee)
    with pytest.raises(Http404):
        get_profile_for(mentee, "doesnotexist")
    assert get_profile_for(mentee, profile.code, write=True) == profile
    with pytest.raises(Http404):
        get_profile_for(mentor, profile.code, write=True)


def test_directory_lists_colleagues_who_are_not_private(mentee, mentor, coordinator, outsider):
    profile_for(mentee)
    mentor_profile = profile_for(mentor)
    private = profile_for(coordinator)
    private.visibility = Visibility.PRIVATE
    private.save()
    outsider_profile = profile_for(outsider)
    outsider_profile.visibility = Visibility.PLATFORM
    outsider_profile.save()
    assert list(Profile.objects.in_directory_of(mentee)) == [mentor_profile]


def test_conflict_gate(mentee, mentor):
    conflict = conflict_declare(
        profile_for(mentee), other_email="", description="Spouse", actor=mentee
    )
    assert get_conflict_for(mentee, conflict.code) == conflict
    with pytest.raises(Http404):
        get_conflict_for(mentor, conflict.code)
