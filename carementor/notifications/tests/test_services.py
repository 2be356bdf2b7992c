"""notify(): rows in the caller's transaction, e-mail after commit, preferences, digests."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from carementor.notifications.models import EmailMode, Notification
from carementor.notifications.services import (
    notification_email_send,
    notification_preference_set,
    notify,
)


def test_notify_writes_rows_and_emails_after_commit(mentee, mentor, hospital, on_commit):
    with on_commit():
        rows = notify(
            [mentee, mentor, mentee],
            "generic_test",
            context={"title": "Your mentor proposed a meeting", "url": "/mentorships/"},
            actor=mentor,
            organization=hospital,
        )
        assert len(mail.outbox) == 0  # not before commit
    assert len(rows) == 2
    assert {n.recipient for n in Notification.objects.all()} == {mentee, mentor}
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "[CareMentor] Your mentor proposed a meeting"
    assert "http://127.0.0.1:8000/mentorships/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_rolled_back_change_leaves_no_notification_and_no_email(mentee, on_commit):
    with on_commit():
        try:
            with transaction.atomic():
                notify([mentee], "generic_test", context={"title": "x"})
                raise RuntimeError
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_preferences_digest_and_off(mentee, mentor, coordinator, on_commit):
    notification_preference_set(mentee, EmailMode.DIGEST)
    notification_preference_set(mentor, EmailMode.OFF)
    with on_commit():
        notify([mentee, mentor, coordinator], "generic_test", context={"title": "Hello"})
        notify([mentee], "generic_test", context={"title": "Second"})
    assert [m.to for m in mail.outbox] == [[coordinator.email]]

    call_command("notifications_digest", stdout=io.StringIO())
    assert [m.to for m in mail.outbox[1:]] == [[mentee.email]]
    digest = mail.outbox[1]
    assert "2 updates" in digest.subject and "Hello" in digest.body and "Second" in digest.body
    # Idempotent: nothing left to send.
    call_command("notifications_digest", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=mentor, emailed_at__isnull=True).count() == 1


def test_notification_not_lost_when_the_task_fails_once(mentee, on_commit, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky_send(self, fail_silently=False):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP down")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    with on_commit():
        notify([mentee], "generic_test", context={"title": "Meeting tomorrow"})
    notification = Notification.objects.get()
    assert notification.emailed_at is None and mail.outbox == []

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        call_command("notifications_send_pending", stdout=io.StringIO())
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["[CareMentor] Meeting tomorrow"]
    # Running the task again sends nothing twice.
    assert notification_email_send(notification.pk) is False
    assert len(mail.outbox) == 1


def test_inactive_users_are_skipped(mentee, mentor):
    mentor.is_active = False
    mentor.save()
    assert [n.recipient for n in notify([mentee, mentor, None], "x", context={"title": "t"})] == [
        mentee
    ]


@pytest.mark.parametrize("mode", ["weekly", ""])
def test_unknown_preference_is_refused(mentee, mode):
    with pytest.raises(ValueError):
        notification_preference_set(mentee, mode)
