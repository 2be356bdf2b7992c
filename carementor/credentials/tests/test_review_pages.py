"""The reviewer's pages: queue, evidence view, decisions with four eyes, 404 for strangers."""

import pytest
from django.core import mail

from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential, RegisterCheck, ReviewEvent, ReviewPolicy
from carementor.credentials.tests.helpers import add_evidence, make_credential

Status = Credential.Status
CHECKS = {f"check_{key}": "on" for key in ("identity", "register", "status", "dates", "document")}


@pytest.fixture
def submitted(mentor, hospital):
    credential = make_credential(mentor, hospital)
    add_evidence(credential)
    return credential


def test_queue_lists_waiting_credentials_oldest_first_with_age(
    login, reviewer, submitted, mentee, hospital
):
    newer = make_credential(mentee, hospital, scheme="gb_nmc", number="12A3456E")
    Credential.objects.filter(pk=submitted.pk).update(
        submitted_at=newer.submitted_at - __import__("datetime").timedelta(days=9)
    )

    response = login(reviewer).get(f"/credentials/review/org/{hospital.code}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Vikram Mehta") < content.index("Asha Raman")
    assert "9 days" in content
    assert "2 credentials, oldest first" in content


def test_queue_filters(login, reviewer, submitted, mentee, hospital):
    make_credential(mentee, hospital, scheme="gb_nmc", number="12A3456E", status=Status.VERIFIED)
    client = login(reviewer)

    waiting = client.get(f"/credentials/review/org/{hospital.code}/").content.decode()
    verified = client.get(
        f"/credentials/review/org/{hospital.code}/?status=verified"
    ).content.decode()
    by_name = client.get(
        f"/credentials/review/org/{hospital.code}/?status=all&q=asha"
    ).content.decode()
    old = client.get(f"/credentials/review/org/{hospital.code}/?older_than=30").content.decode()

    assert "Vikram Mehta" in waiting and "Asha Raman" not in waiting
    assert "Asha Raman" in verified and "Vikram Mehta" not in verified
    assert "Asha Raman" in by_name and "Vikram Mehta" not in by_name
    assert "The queue is clear" in old


def test_queue_partial_for_htmx(login, reviewer, submitted, hospital):
    response = login(reviewer).get(
        f"/credentials/review/org/{hospital.code}/?status=waiting", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Vikram Mehta" in response.content.decode()


def test_bad_filter_is_a_400(login, reviewer, hospital):
    response = login(reviewer).get(f"/credentials/review/org/{hospital.code}/?older_than=-4")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["outsider", "mentor", "mentee", "coordinator", "org_admin"])
def test_queue_is_404_for_everyone_but_its_reviewers(request, login, who, hospital, submitted):
    response = login(request.getfixturevalue(who)).get(f"/credentials/review/org/{hospital.code}/")
    assert response.status_code == 404


def test_review_page_shows_the_number_and_audits_the_read(login, reviewer, submitted):
    response = login(reviewer).get(f"/credentials/review/{submitted.code}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "1234567" in content
    assert "https://www.gmc-uk.org/" in content
    assert "certificate.pdf" in content
    event = AuditEvent.objects.get(action="credential.review_viewed")
    assert (event.actor, event.target_id, event.organization) == (
        reviewer,
        submitted.code,
        submitted.organization,
    )


@pytest.mark.parametrize("who", ["outsider", "mentee", "coordinator", "mentor"])
def test_review_page_and_decisions_are_404_for_others(request, login, who, submitted):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/credentials/review/{submitted.code}/").status_code == 404
    response = client.post(
        f"/credentials/review/{submitted.code}/decide/", {"decision": "verify", **CHECKS}
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/credentials/review/{submitted.code}/revoke/", {"reason": "x" * 20}
        ).status_code
        == 404
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="credential.").exists()


def test_a_reviewer_cannot_review_their_own_credential(login, reviewer, hospital):
    own = make_credential(reviewer, hospital)
    assert login(reviewer).get(f"/credentials/review/{own.code}/").status_code == 404


def test_a_former_member_drops_out_of_the_queue(login, reviewer, submitted, mentor):
    mentor.memberships.all().delete()
    assert login(reviewer).get(f"/credentials/review/{submitted.code}/").status_code == 404


def test_start_then_verify(login, reviewer, submitted, mentor, on_commit):
    client = login(reviewer)
    assert client.post(f"/credentials/review/{submitted.code}/start/").status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewer) == (Status.IN_REVIEW, reviewer)

    with on_commit():
        response = client.post(
            f"/credentials/review/{submitted.code}/decide/",
            {"decision": "verify", "reason": "Checked on the LRMP.", **CHECKS},
        )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.VERIFIED
    assert submitted.decided_by == reviewer
    assert all(submitted.checklist.values())
    assert [e.action for e in ReviewEvent.objects.filter(credential=submitted)] == [
        "review_started",
        "verified",
    ]
    assert AuditEvent.objects.filter(action="credential.verified", actor=reviewer).count() == 1
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert "verified" in mail.outbox[0].subject


def test_verify_needs_the_whole_checklist(login, reviewer, submitted):
    partial = dict(CHECKS)
    partial.pop("check_dates")
    response = login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/", {"decision": "verify", **partial}
    )
    assert response.status_code == 422
    assert "Tick every item" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_verify_needs_evidence_or_a_register_check(login, reviewer, mentor, hospital):
    bare = make_credential(mentor, hospital)
    client = login(reviewer)
    response = client.post(
        f"/credentials/review/{bare.code}/decide/", {"decision": "verify", **CHECKS}
    )
    assert response.status_code == 422

    client.post(
        f"/credentials/review/{bare.code}/check/",
        {"outcome": "match", "note": "LRMP: full registration with a licence to practise."},
    )
    assert RegisterCheck.objects.get().performed_by == reviewer
    response = client.post(
        f"/credentials/review/{bare.code}/decide/", {"decision": "verify", **CHECKS}
    )
    assert response.status_code == 302
    bare.refresh_from_db()
    assert bare.status == Status.VERIFIED


def test_rejection_needs_a_second_reviewer(
    login, reviewer, second_reviewer, submitted, mentor, on_commit
):
    reason = "The name on the certificate does not match the account."
    response = login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/", {"decision": "reject", "reason": reason}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.pending_action, submitted.pending_by) == (
        Status.IN_REVIEW,
        "reject",
        reviewer,
    )

    # The proposer cannot confirm their own proposal.
    response = login(reviewer).post(
        f"/credentials/review/{submitted.code}/second/", {"confirm": "yes"}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW

    with on_commit():
        response = login(second_reviewer).post(
            f"/credentials/review/{submitted.code}/second/", {"confirm": "yes"}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED
    assert (submitted.decided_by, submitted.second_reviewer) == (reviewer, second_reviewer)
    assert submitted.reason == reason
    assert AuditEvent.objects.filter(action="credential.rejected", actor=second_reviewer).exists()
    assert mail.outbox[0].to == [mentor.email]
    assert reason in mail.outbox[0].body

    # The holder sees the reason and can resubmit.
    holder_page = login(mentor).get(f"/credentials/{submitted.code}/").content.decode()
    assert reason in holder_page
    assert login(mentor).post(f"/credentials/{submitted.code}/resubmit/").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_second_reviewer_can_decline_a_proposal(login, reviewer, second_reviewer, submitted):
    login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/",
        {"decision": "reject", "reason": "Looks like a photocopy of a photocopy."},
    )
    response = login(second_reviewer).post(
        f"/credentials/review/{submitted.code}/second/",
        {"confirm": "no", "note": "Legible enough."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.pending_action) == (Status.IN_REVIEW, "")


def test_without_four_eyes_a_rejection_is_final(login, reviewer, submitted, hospital):
    ReviewPolicy.objects.create(organization=hospital, four_eyes=False)
    login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/",
        {"decision": "reject", "reason": "This is a degree, not a registration."},
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED
    assert submitted.second_reviewer is None


def test_rejection_without_a_reason_is_refused(login, reviewer, submitted):
    response = login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/", {"decision": "reject", "reason": "no"}
    )
    assert response.status_code == 422
    submitted.refresh_from_db()
    assert submitted.pending_action == ""


def test_revocation_suspends_at_once_and_is_confirmed_by_another(
    login, reviewer, second_reviewer, mentor, hospital
):
    credential = make_credential(mentor, hospital, status=Status.VERIFIED, decided_by=reviewer)
    assert Credential.objects.valid().exists()

    login(reviewer).post(
        f"/credentials/review/{credential.code}/revoke/",
        {"reason": "The council suspended this registration on 1 March."},
    )
    credential.refresh_from_db()
    assert credential.pending_action == "revoke"
    assert not Credential.objects.valid().exists()

    login(second_reviewer).post(
        f"/credentials/review/{credential.code}/second/", {"confirm": "yes"}
    )
    credential.refresh_from_db()
    assert credential.status == Status.REVOKED
    assert credential.revoked_at is not None
    assert AuditEvent.objects.filter(action="credential.revoked").exists()


def test_deciding_an_already_decided_credential_is_a_409(
    login, reviewer, second_reviewer, submitted
):
    login(reviewer).post(
        f"/credentials/review/{submitted.code}/decide/", {"decision": "verify", **CHECKS}
    )

    response = login(second_reviewer).post(
        f"/credentials/review/{submitted.code}/decide/",
        {"decision": "reject", "reason": "Name differs from the register."},
    )

    assert response.status_code == 409
    assert "someone decided it a moment ago" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by) == (Status.VERIFIED, reviewer)
    assert (
        AuditEvent.objects.filter(
            action__in=["credential.verified", "credential.rejection_proposed"]
        ).count()
        == 1
    )


def test_review_policy_is_for_org_admins(login, reviewer, org_admin, hospital):
    from carementor.organizations.models import Membership

    assert (
        login(reviewer).post(f"/credentials/review/org/{hospital.code}/policy/", {}).status_code
        == 404
    )
    Membership.objects.filter(user=org_admin).update(is_reviewer=True)
    response = login(org_admin).post(f"/credentials/review/org/{hospital.code}/policy/", {})
    assert response.status_code == 302
    assert ReviewPolicy.objects.get(organization=hospital).four_eyes is False
    assert AuditEvent.objects.filter(action="credential.review_policy_changed").exists()


def test_review_home_goes_to_the_only_queue(login, reviewer, hospital, outsider):
    response = login(reviewer).get("/credentials/review/")
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/review/org/{hospital.code}/"
    assert login(outsider).get("/credentials/review/").status_code == 302  # their own trust


def test_review_home_lists_several_queues(login, reviewer, trust, submitted):
    from carementor.organizations.models import Membership

    Membership.objects.create(user=reviewer, organization=trust, is_reviewer=True)
    content = login(reviewer).get("/credentials/review/").content.decode()
    assert "Chennai Children" in content and "Leeds Teaching" in content
    assert "1 waiting" in content


def test_nav_shows_the_queue_to_reviewers_only(login, reviewer, mentee):
    assert "Review queue" in login(reviewer).get("/credentials/").content.decode()
    assert "Review queue" not in login(mentee).get("/credentials/").content.decode()
