"""Closure, extension, help, and what coordinators see (never content)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.mentorships.meetings import MeetingData, meeting_schedule, private_note_save
from carementor.mentorships.models import (
    ExtensionRequest,
    HelpRequest,
    Mentorship,
    Phase,
    PrivateNote,
)
from carementor.mentorships.services import MentorshipError, mentorship_close
from carementor.notifications.models import Notification


def activate(mentorship, days_ago=0):  # type: ignore[no-untyped-def]
    Mentorship.objects.filter(pk=mentorship.pk).update(
        phase=Phase.ACTIVE, activated_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    mentorship.refresh_from_db()


def test_closure_by_party_with_reflection_and_redefinition(login, mentorship, mentor, mentee):
    activate(mentorship)
    url = f"/mentorships/{mentorship.code}"
    assert login(mentee).get(f"{url}/close/").status_code == 200
    early = login(mentee).post(f"{url}/close/", {"outcome": "achieved", "reflection": "x"})
    assert early.status_code == 409  # closure not started
    login(mentor).post(f"{url}/closing/")
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.CLOSING
    assert Notification.objects.filter(recipient=mentee, kind="mentorship_closing").exists()
    bad = login(mentee).post(f"{url}/close/", {"outcome": "great", "reflection": ""})
    assert bad.status_code == 422
    done = login(mentee).post(
        f"{url}/close/",
        {
            "outcome": "partly",
            "reflection": "Passed part 1; part 2 next year",
            "redefined_as": "peer",
        },
    )
    assert done.status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.phase, mentorship.outcome, mentorship.redefined_as) == (
        Phase.REDEFINED,
        "partly",
        "peer",
    )
    assert Notification.objects.filter(recipient=mentor, kind="mentorship_closed").exists()
    assert AuditEvent.objects.filter(action="mentorship.closed").count() == 1


def test_declining_a_proposed_mentorship_ends_it(login, mentorship, mentor):
    login(mentor).post(f"/mentorships/{mentorship.code}/closing/")
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.CLOSED and mentorship.outcome == "ended_early"


def test_coordinator_can_start_closure_not_close(mentorship, coordinator):
    activate(mentorship)
    from carementor.mentorships.services import mentorship_start_closing

    mentorship_start_closing(mentorship=mentorship, user=coordinator)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mentorship_close(mentorship=mentorship, user=coordinator, outcome="achieved", reflection="")


def test_outsider_cannot_touch_closure(login, mentorship, outsider):
    activate(mentorship)
    for path in ("closing/", "close/", "help/", "extension/"):
        assert login(outsider).post(f"/mentorships/{mentorship.code}/{path}").status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE


def test_extension_request_and_decision(login, mentorship, mentee, coordinator, mentor):
    activate(mentorship)
    url = f"/mentorships/{mentorship.code}"
    login(mentee).post(f"{url}/extension/", {"new_ends_on": "2020-01-01"})
    assert not ExtensionRequest.objects.exists()
    login(mentee).post(f"{url}/extension/", {"new_ends_on": "2099-01-01", "reason": "Exam moved"})
    extension = ExtensionRequest.objects.get()
    assert Notification.objects.filter(
        recipient=coordinator, kind="mentorship_extension_requested"
    ).exists()
    assert (
        login(mentor)
        .post(f"{url}/extension/{extension.code}/", {"decision": "approve"})
        .status_code
        == 404
    )
    login(coordinator).post(f"{url}/extension/{extension.code}/", {"decision": "approve"})
    mentorship.refresh_from_db()
    assert mentorship.ends_on == dt.date(2099, 1, 1)


def test_help_request_flags_at_risk_for_coordinator(
    login, mentorship, mentee, coordinator, hospital
):
    activate(mentorship)
    login(mentee).post(f"/mentorships/{mentorship.code}/help/", {"reason": "We never meet"})
    assert HelpRequest.objects.get().reason == "We never meet"
    assert Notification.objects.filter(recipient=coordinator, kind="mentorship_needs_help").exists()
    page = (
        login(coordinator).get(f"/mentorships/oversee/{hospital.code}/?at_risk=1").content.decode()
    )
    assert mentorship.code in page and "A party asked for help." in page
    login(coordinator).post(f"/mentorships/{mentorship.code}/help/resolve/")
    assert HelpRequest.objects.get().resolved_at is not None


def test_cadence_at_risk_and_counts(login, mentorship, coordinator, hospital):
    activate(mentorship, days_ago=75)
    page = login(coordinator).get(f"/mentorships/oversee/{hospital.code}/").content.decode()
    assert "No meeting for 75 days (programme cadence 30)." in page
    assert "0 / 2" in page  # held / expected


def test_coordinator_sees_activity_not_content(
    login, mentorship, mentor, mentee, coordinator, org_admin
):
    activate(mentorship)
    meeting = meeting_schedule(
        mentorship=mentorship,
        user=mentor,
        data=MeetingData(
            starts_at=timezone.now() + dt.timedelta(days=1),
            duration_minutes=30,
            mode="video",
            title="Talk about burnout",
        ),
    )
    private_note_save(meeting=meeting, user=mentee, body="PRIVATE-TEXT")
    login(mentee).post(f"/mentorships/{mentorship.code}/messages/", {"body": "MESSAGE-TEXT"})
    for user in (coordinator, org_admin):
        page = login(user).get(f"/mentorships/{mentorship.code}/").content.decode()
        assert "Relationship health" in page
        for secret in ("PRIVATE-TEXT", "MESSAGE-TEXT", "burnout", "patient safety"):
            assert secret not in page


def test_private_notes_messages_and_notes_are_not_in_django_admin():
    from carementor.mentorships.models import Message, PrivateNote, SharedNote

    for model in (PrivateNote, SharedNote, Message):
        assert model not in admin.site._registry
    mentorship_admin = admin.site._registry[Mentorship]
    assert "reflection" in mentorship_admin.exclude


def test_private_note_admin_page_does_not_exist(client, mentorship, mentee, mentor):
    from carementor.lib.testing import give_mfa, make_user

    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    give_mfa(staff)
    activate(mentorship)
    meeting = meeting_schedule(
        mentorship=mentorship,
        user=mentor,
        data=MeetingData(
            starts_at=timezone.now() + dt.timedelta(days=1), duration_minutes=30, mode="phone"
        ),
    )
    private_note_save(meeting=meeting, user=mentee, body="PRIVATE-TEXT")
    client.force_login(staff)
    assert client.get("/admin/mentorships/privatenote/").status_code == 404
    page = client.get(f"/admin/mentorships/mentorship/{mentorship.pk}/change/")
    assert page.status_code == 200 and b"PRIVATE-TEXT" not in page.content
    assert PrivateNote.objects.count() == 1


def test_close_refuses_unknown_outcome(mentorship, mentee):
    with pytest.raises(MentorshipError):
        mentorship_close(mentorship=mentorship, user=mentee, outcome="great", reflection="x")
