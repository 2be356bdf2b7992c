"""Agreement editing, amendments, signing and the phase it leads to."""

import pytest

from carementor.audit.models import AuditEvent
from carementor.mentorships.models import Agreement, Phase, Signature
from carementor.mentorships.services import (
    AgreementData,
    MentorshipError,
    agreement_sign,
    agreement_update,
)

DATA = AgreementData(
    goals="Pass the MRCPCH clinical exam",
    expectations="Come prepared",
    meeting_frequency="Monthly",
    meeting_mode="Video",
    duration="Six months",
    confidentiality="Confidential except patient safety, legal duty, risk of harm.",
)


def test_everyone_signs_then_active(mentorship, mentor, mentee):
    agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.AGREEING
    agreement = agreement_sign(mentorship=mentorship, signer=mentor, version=1)
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE and mentorship.activated_at is not None
    assert agreement.effective_at is not None
    assert AuditEvent.objects.filter(action="agreement.signed").count() == 2
    assert AuditEvent.objects.filter(action="mentorship.activated").count() == 1


def test_signing_twice_or_stale_is_refused(mentorship, mentee, mentor):
    agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    with pytest.raises(MentorshipError) as twice:
        agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    assert twice.value.code == "signed"
    with pytest.raises(MentorshipError) as stale:
        agreement_sign(mentorship=mentorship, signer=mentor, version=2)
    assert stale.value.code == "stale"
    assert Signature.objects.count() == 1


def test_outsider_and_coordinator_cannot_sign(mentorship, outsider, coordinator):
    from django.core.exceptions import PermissionDenied

    for user in (outsider, coordinator):
        with pytest.raises(PermissionDenied):
            agreement_sign(mentorship=mentorship, signer=user, version=1)
    assert not Signature.objects.exists()


def test_unsigned_draft_is_edited_in_place(mentorship, mentee):
    agreement_update(mentorship=mentorship, editor=mentee, data=DATA, base_version=1)
    assert Agreement.objects.get().goals == "Pass the MRCPCH clinical exam"
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.AGREEING


def test_change_after_a_signature_is_a_new_version_signed_again(mentorship, mentee, mentor):
    agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    agreement_sign(mentorship=mentorship, signer=mentor, version=1)
    amended = agreement_update(mentorship=mentorship, editor=mentor, data=DATA, base_version=1)
    assert amended.version == 2 and amended.effective_at is None
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE  # the signed version 1 stays in force
    agreement_sign(mentorship=mentorship, signer=mentee, version=2)
    final = agreement_sign(mentorship=mentorship, signer=mentor, version=2)
    assert final.effective_at is not None
    assert AuditEvent.objects.filter(action="agreement.amended").count() == 1


def test_stale_edit_is_refused(mentorship, mentee, mentor):
    agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    agreement_update(mentorship=mentorship, editor=mentor, data=DATA, base_version=1)
    with pytest.raises(MentorshipError) as error:
        agreement_update(mentorship=mentorship, editor=mentee, data=DATA, base_version=1)
    assert error.value.code == "stale"
    assert Agreement.objects.count() == 2


def test_sign_page_flow(login, mentorship, mentee, mentor):
    page = login(mentee).get(f"/mentorships/{mentorship.code}/agreement/")
    assert page.status_code == 200
    assert "patient safety" in page.content.decode()
    no_tick = login(mentee).post(f"/mentorships/{mentorship.code}/agreement/sign/", {"version": 1})
    assert no_tick.status_code == 302 and not Signature.objects.exists()
    login(mentee).post(
        f"/mentorships/{mentorship.code}/agreement/sign/", {"version": 1, "confirm": "on"}
    )
    login(mentor).post(
        f"/mentorships/{mentorship.code}/agreement/sign/", {"version": 1, "confirm": "on"}
    )
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE


def test_agreement_page_is_for_parties_only(login, mentorship, coordinator, outsider):
    for user in (coordinator, outsider):
        assert login(user).get(f"/mentorships/{mentorship.code}/agreement/").status_code == 404
        response = login(user).post(
            f"/mentorships/{mentorship.code}/agreement/sign/", {"version": 1, "confirm": "on"}
        )
        assert response.status_code == 404
    assert not Signature.objects.exists()


def test_edit_page_bad_input(login, mentorship, mentee):
    agreement_update(mentorship=mentorship, editor=mentee, data=DATA, base_version=1)
    response = login(mentee).post(
        f"/mentorships/{mentorship.code}/agreement/", {"version": 1, "goals": ""}
    )
    assert response.status_code == 422
    # The refused edit changed nothing: the goals written before are still there.
    agreement = Agreement.objects.get()
    assert agreement.goals == "Pass the MRCPCH clinical exam"
    assert agreement.version == 1
