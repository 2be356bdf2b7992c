"""The periodic duties: the same table as the README, each occurrence run exactly once."""

import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connection

from carementor.ops.models import ScheduledRun
from carementor.ops.schedule import SCHEDULE, claim, due_minute, run_duty

DUE = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def test_the_schedule_is_the_readme_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    rows = re.findall(r"^\s*\| `(\w+)` \| `([^`]+)` \|", readme, flags=re.MULTILINE)
    assert rows == [(duty.command, duty.cron) for duty in SCHEDULE]


def test_every_scheduled_command_exists_and_every_trigger_parses():
    from apscheduler.triggers.cron import CronTrigger

    commands = get_commands()
    for duty in SCHEDULE:
        assert duty.command in commands
        assert CronTrigger.from_crontab(duty.cron, timezone="UTC").get_next_fire_time(None, DUE)


def test_the_scheduler_lists_its_duties(capsys):
    call_command("scheduler", "--list")
    out = capsys.readouterr().out
    assert [line.split()[-1] for line in out.splitlines()] == [d.command for d in SCHEDULE]


def test_every_replica_computes_the_same_occurrence():
    assert due_minute(datetime(2026, 3, 2, 7, 0, 0, 1, tzinfo=UTC)) == DUE
    assert due_minute(datetime(2026, 3, 2, 7, 0, 59, 999, tzinfo=UTC)) == DUE


@pytest.mark.django_db
def test_an_occurrence_is_claimed_once():
    assert claim("evaluations_run", DUE) is not None
    assert claim("evaluations_run", DUE) is None
    assert claim("certificates_issue", DUE) is not None
    assert ScheduledRun.objects.count() == 2


@pytest.mark.django_db
def test_a_duty_runs_once_and_its_failure_is_kept_for_staff():
    ran: list[str] = []
    assert run_duty("certificates_issue", DUE, runner=ran.append).status == "succeeded"
    assert run_duty("certificates_issue", DUE, runner=ran.append) is None
    assert ran == ["certificates_issue"]

    def broken(command: str) -> None:
        raise RuntimeError("mail server said no")

    failed = run_duty("notifications_digest", DUE, runner=broken)
    assert failed.status == "failed"
    assert "mail server said no" in failed.error
    assert failed.finished_at is not None


@pytest.mark.django_db
def test_a_real_duty_runs_through_call_command():
    run = run_duty("learning_close_overdue", DUE)
    assert run.status == "succeeded", run.error


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_contending_run_the_duty_once():

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables across threads")
    ran: list[str] = []
    barrier = threading.Barrier(2)
    results: list[object] = []

    def replica() -> None:
        barrier.wait()
        try:
            results.append(run_duty("matching_sweep_requests", DUE, runner=ran.append))
        finally:
            connection.close()

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert ran == ["matching_sweep_requests"]
    assert sorted(r is None for r in results) == [False, True]
    assert ScheduledRun.objects.filter(job="matching_sweep_requests").count() == 1
