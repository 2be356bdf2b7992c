"""THE rule: verified, unexpired, not revoked (nor suspended by a pending revocation)."""

import datetime

import pytest
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials.models import (
    Credential,
    VerificationKind,
    is_matchable,
    matchable_mentors,
)
from carementor.credentials.tests.helpers import make_credential
from carementor.profiles.models import Profession, Profile

TODAY = timezone.localdate()
Status = Credential.Status


def matchable(kind=VerificationKind.LICENCE):
    return set(matchable_mentors(User.objects.all(), verification_kind=kind))


@pytest.mark.parametrize(
    ("status", "expires_on", "extra", "expected"),
    [
        (Status.VERIFIED, None, {}, True),
        (Status.VERIFIED, TODAY, {}, True),
        (Status.VERIFIED, TODAY + datetime.timedelta(days=400), {}, True),
        (Status.VERIFIED, TODAY - datetime.timedelta(days=1), {}, False),
        (Status.VERIFIED, None, {"pending_action": "revoke"}, False),
        (Status.VERIFIED, None, {"revoked_at": timezone.now()}, False),
        (Status.SUBMITTED, None, {}, False),
        (Status.IN_REVIEW, None, {}, False),
        (Status.REJECTED, None, {}, False),
        (Status.EXPIRED, None, {}, False),
        (Status.REVOKED, None, {}, False),
    ],
)
def test_only_valid_licences_make_a_mentor_matchable(
    mentor, hospital, status, expires_on, extra, expected
):
    make_credential(mentor, hospital, status=status, expires_on=expires_on, **extra)

    assert (mentor in matchable()) is expected
    assert Credential.objects.valid().exists() is expected
    assert Credential.objects.get().is_valid() is expected
    assert is_matchable(mentor, verification_kind="licence") is expected


def test_a_qualification_alone_is_not_a_licence(mentor, hospital):
    make_credential(mentor, hospital, scheme="degree", number="", status=Status.VERIFIED)
    assert matchable() == set()


def test_non_clinical_coaches_need_identity_and_employment(mentor, hospital):
    make_credential(mentor, hospital, scheme="identity", number="", status=Status.VERIFIED)
    assert matchable(VerificationKind.IDENTITY_EMPLOYMENT) == set()

    make_credential(mentor, hospital, scheme="employment", number="", status=Status.VERIFIED)
    assert matchable(VerificationKind.IDENTITY_EMPLOYMENT) == {mentor}
    assert matchable(VerificationKind.LICENCE) == set()


def test_a_verified_licence_stands_in_for_identity(mentor, hospital):
    make_credential(mentor, hospital, status=Status.VERIFIED)
    make_credential(mentor, hospital, scheme="employment", number="", status=Status.VERIFIED)
    assert matchable(VerificationKind.IDENTITY_EMPLOYMENT) == {mentor}


def test_by_profession_asks_each_mentor_for_their_kind(mentor, mentee, hospital):
    informatician = Profession.objects.create(
        code="test-informatics", name="Health informatician", group="informatics", is_clinical=False
    )
    Profile.objects.update_or_create(user=mentee, defaults={"profession": informatician})
    make_credential(mentee, hospital, scheme="identity", number="", status=Status.VERIFIED)
    make_credential(mentee, hospital, scheme="employment", number="", status=Status.VERIFIED)
    make_credential(mentor, hospital, status=Status.VERIFIED)

    assert matchable(VerificationKind.BY_PROFESSION) == {mentor, mentee}
    assert matchable(VerificationKind.LICENCE) == {mentor}


def test_the_rule_can_be_asked_about_another_day(mentor, hospital):
    make_credential(mentor, hospital, status=Status.VERIFIED, expires_on=TODAY)
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert (
        set(matchable_mentors(User.objects.all(), verification_kind="licence", on=tomorrow))
        == set()
    )


def test_unknown_kind_is_refused(mentor):
    with pytest.raises(ValueError):
        matchable_mentors(User.objects.all(), verification_kind="vibes")
