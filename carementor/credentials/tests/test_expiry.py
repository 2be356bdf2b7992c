"""The daily credentials_expire command: expire, remind at 30 and 7 days, never twice."""

import datetime

import time_machine
from django.core import mail
from django.core.management import call_command

from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential, ExpiryNotice, is_matchable
from carementor.credentials.tests.helpers import make_credential

Status = Credential.Status
DAY = datetime.date(2026, 3, 1)


def run(on_commit):
    with on_commit():
        call_command("credentials_expire", stdout=open("/dev/null", "w"))  # noqa: SIM115


@time_machine.travel(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_expires_past_credentials_and_notifies(mentor, hospital, on_commit):
    credential = make_credential(
        mentor, hospital, status=Status.VERIFIED, expires_on=DAY - datetime.timedelta(days=1)
    )
    still_fine = make_credential(
        mentor, hospital, scheme="gb_nmc", number="12A3456E", status=Status.VERIFIED, expires_on=DAY
    )

    run(on_commit)

    credential.refresh_from_db()
    still_fine.refresh_from_db()
    assert credential.status == Status.EXPIRED
    assert still_fine.status == Status.VERIFIED
    assert (
        AuditEvent.objects.filter(action="credential.expired", target_id=credential.code).count()
        == 1
    )
    assert [m.subject for m in mail.outbox] == [
        "[CareMentor] Your credential has expired",
        "[CareMentor] Your credential expires soon",
    ]


@time_machine.travel(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_reminders_30_and_7_days_before_once_each(mentor, hospital, on_commit):
    credential = make_credential(
        mentor, hospital, status=Status.VERIFIED, expires_on=DAY + datetime.timedelta(days=30)
    )
    run(on_commit)
    run(on_commit)
    assert len(mail.outbox) == 1
    assert "expires on 31 March 2026" in mail.outbox[0].body

    with time_machine.travel(datetime.datetime(2026, 3, 20, 6, 0, tzinfo=datetime.UTC), tick=False):
        run(on_commit)  # 11 days left: the 30-day reminder was sent already
    assert len(mail.outbox) == 1

    with time_machine.travel(datetime.datetime(2026, 3, 24, 6, 0, tzinfo=datetime.UTC), tick=False):
        run(on_commit)
        run(on_commit)
    assert len(mail.outbox) == 2
    assert list(
        ExpiryNotice.objects.filter(credential=credential)
        .values_list("days_before", flat=True)
        .order_by("-days_before")
    ) == [30, 7]

    with time_machine.travel(datetime.datetime(2026, 4, 1, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert not is_matchable(mentor, verification_kind="licence")  # the rule needs no command
        run(on_commit)
    credential.refresh_from_db()
    assert credential.status == Status.EXPIRED


@time_machine.travel(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_a_late_first_sighting_sends_only_the_nearest_reminder(mentor, hospital, on_commit):
    make_credential(
        mentor, hospital, status=Status.VERIFIED, expires_on=DAY + datetime.timedelta(days=5)
    )
    run(on_commit)
    assert ExpiryNotice.objects.get().days_before == 7
    assert len(mail.outbox) == 1


@time_machine.travel(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_dry_run_changes_nothing(mentor, hospital, capsys):
    credential = make_credential(
        mentor, hospital, status=Status.VERIFIED, expires_on=DAY - datetime.timedelta(days=3)
    )
    call_command("credentials_expire", "--dry-run")
    credential.refresh_from_db()
    assert credential.status == Status.VERIFIED
    assert "Would expire 1" in capsys.readouterr().out
