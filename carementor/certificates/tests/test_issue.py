"""Issuing, idempotence, the one-valid-certificate constraint, revoking and re-issuing."""

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from carementor.audit.models import AuditEvent
from carementor.certificates import services
from carementor.certificates.models import Certificate, CertificateStatus, CpdEntry
from carementor.certificates.services import CertificateError
from carementor.certificates.tests.helpers import cpd_program, finished_mentorship, rule
from carementor.notifications.models import Notification

pytestmark = pytest.mark.django_db


def run_issue() -> str:
    out = StringIO()
    call_command("certificates_issue", stdout=out)
    return out.getvalue()


def test_issue_copies_names_dates_hours_and_logs_cpd(program, finished, mentee, mentor):
    rule(program, "mentee", meetings_held=3)
    rule(program, "mentor")
    assert "issued 2 certificate(s)" in run_issue()
    mine = Certificate.objects.get(holder=mentee)
    assert mine.holder_name == "Asha Raman"
    assert mine.program_name == program.name
    assert mine.organization_name == program.organization.name
    assert mine.role == "mentee" and mine.cpd_hours == Decimal("12.0")
    assert mine.completed_on == finished.closed_at.date()
    assert len(mine.code) == 16 and mine.code.isalnum()
    entry = CpdEntry.objects.get(user=mentee)
    assert entry.certificate == mine and entry.hours == Decimal("12.0") and not entry.is_void
    assert "Being mentored in" in entry.activity
    theirs = Certificate.objects.get(holder=mentor)
    assert theirs.role == "mentor" and theirs.cpd_hours == Decimal("8.5")
    assert Notification.objects.filter(recipient=mentee, kind="certificate_issued").exists()
    assert AuditEvent.objects.filter(action="certificate.issued", target_id=mine.code).exists()


def test_issue_is_idempotent(program, finished, mentee):
    rule(program, "mentee")
    run_issue()
    assert "issued 0 certificate(s)" in run_issue()
    assert services.certificates_check(user=mentee, program=program) == []
    assert Certificate.objects.count() == 1 and CpdEntry.objects.count() == 1


def test_incomplete_checklist_issues_nothing(program, finished, mentee):
    rule(program, "mentee", meetings_held=4)
    assert "issued 0" in run_issue()
    assert services.certificates_check(user=mentee, program=program) == []
    assert not Certificate.objects.exists()


def test_no_cpd_entry_when_programme_gives_no_hours(hospital, mentor, mentee):
    program = cpd_program(hospital, cpd_hours_mentee=0)
    finished_mentorship(program, mentor, mentee)
    rule(program, "mentee")
    services.certificates_check(user=mentee, program=program)
    assert Certificate.objects.get().cpd_hours == 0
    assert not CpdEntry.objects.exists()


def test_database_refuses_a_second_valid_certificate(certificate):
    fields = {
        f: getattr(certificate, f)
        for f in ("holder", "program", "organization", "role", "started_on", "completed_on")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            holder_name="Asha", program_name="x", organization_name="y", **fields
        )


def test_revoked_certificate_is_not_reissued_automatically(certificate, program, coordinator):
    services.certificate_revoke(certificate=certificate, actor=coordinator, reason="Data error")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_at
    entry = CpdEntry.objects.get(certificate=certificate)
    assert entry.is_void and entry.voided_at
    assert services.cpd_totals(certificate.holder)["total"] == 0
    assert "issued 0" in run_issue()
    assert Notification.objects.filter(kind="certificate_revoked").count() == 1
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert event.actor == coordinator and event.detail["reason"] == "Data error"
    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=certificate, actor=coordinator, reason="Again")


def test_revoking_needs_a_reason(certificate, coordinator):
    with pytest.raises(CertificateError) as caught:
        services.certificate_revoke(certificate=certificate, actor=coordinator, reason="  ")
    assert caught.value.status == 422
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_reissue_after_name_change_supersedes(certificate, mentee):
    with pytest.raises(CertificateError) as caught:
        services.certificate_reissue(certificate=certificate, user=mentee)
    assert caught.value.code == "unchanged"
    mentee.full_name = "Asha Raman-Iyer"
    mentee.save(update_fields=["full_name"])
    new = services.certificate_reissue(certificate=certificate, user=mentee)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert certificate.superseded_by == new
    assert new.code != certificate.code and new.holder_name == "Asha Raman-Iyer"
    assert new.completed_on == certificate.completed_on
    assert CpdEntry.objects.get(user=mentee).certificate == new
    with pytest.raises(CertificateError):
        services.certificate_reissue(certificate=certificate, user=mentee)


def test_only_the_holder_reissues(certificate, mentor):
    with pytest.raises(CertificateError) as caught:
        services.certificate_reissue(certificate=certificate, user=mentor)
    assert caught.value.status == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_runs_make_one_certificate(hospital, mentor, mentee):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL; SQLite serialises them anyway.")
    program = cpd_program(hospital)
    finished_mentorship(program, mentor, mentee)
    rule(program, "mentee")
    barrier = threading.Barrier(2)
    issued: list[int] = []

    def issue() -> None:
        try:
            barrier.wait()
            issued.append(services.certificates_issue_pending().issued)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == [0, 1]
    assert Certificate.objects.filter(holder=mentee).count() == 1
    assert CpdEntry.objects.filter(user=mentee).count() == 1
