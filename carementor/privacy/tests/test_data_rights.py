"""Download my data, delete my account, and an admin acting on a member's request."""

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD
from carementor.privacy.models import DataExport, ErasureRequest
from carementor.privacy.services import export_request


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_my_export_is_built_mailed_downloaded_and_audited(
    login, mentee, django_capture_on_commit_callbacks
):
    client = login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/data/", {"action": "export"})
    assert response.status_code == 302
    export = DataExport.objects.get(user=mentee)
    assert export.status == "ready" and export.expires_at is not None
    (message,) = mail.outbox
    assert message.to == [mentee.email] and f"/settings/data/exports/{export.code}/" in message.body
    page = client.get("/settings/data/").content.decode()
    assert f"/settings/data/exports/{export.code}/" in page
    download = client.get(f"/settings/data/exports/{export.code}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    account = json.loads(archive.read("account.json"))
    assert account[0]["email"] == mentee.email and "password" not in account[0]
    assert {"messages_sent.json", "private_notes.json", "audit_events.json"} <= set(
        archive.namelist()
    )
    assert AuditEvent.objects.filter(action="privacy.export.read", actor=mentee).count() == 1


def test_an_export_expires_and_is_purged(mentee, django_capture_on_commit_callbacks, login):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(mentee, requested_by=mentee)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        client = login(mentee)
        assert client.get(f"/settings/data/exports/{export.code}/").status_code == 410
        call_command("privacy_erase", stdout=io.StringIO())
    export.refresh_from_db()
    assert (export.status, export.storage_name) == ("expired", "")


def test_nobody_else_downloads_my_export(
    login, mentee, org_admin, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(mentee, requested_by=mentee)
    for user in (org_admin, outsider):
        assert login(user).get(f"/settings/data/exports/{export.code}/").status_code == 404


def test_deleting_my_account_needs_my_password_and_can_be_cancelled(
    login, mentee, django_capture_on_commit_callbacks
):
    client = login(mentee)
    wrong = client.post(
        "/settings/data/", {"action": "erase", "password": "not-mine-at-all", "confirm": "on"}
    )
    assert wrong.status_code == 422 and "That is not your password." in wrong.content.decode()
    assert not ErasureRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/settings/data/", {"action": "erase", "password": PASSWORD, "confirm": "on"})
    erasure = ErasureRequest.objects.get(user=mentee)
    assert erasure.scheduled_for > timezone.now() + dt.timedelta(days=13)
    assert "scheduled for erasure" in mail.outbox[-1].body
    client.post("/settings/data/", {"action": "cancel"})
    erasure.refresh_from_db()
    assert erasure.cancelled_at is not None
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        call_command("privacy_erase", stdout=io.StringIO())
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.email == "asha@example.org"
    actions = list(
        AuditEvent.objects.filter(subject=mentee, action__startswith="privacy.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["privacy.erasure_cancelled", "privacy.erasure_requested"]


def test_a_legal_hold_postpones_the_erasure(mentee, login):
    client = login(mentee)
    client.post("/settings/data/", {"action": "erase", "password": PASSWORD, "confirm": "on"})
    ErasureRequest.objects.filter(user=mentee).update(legal_hold=True, hold_reason="Court order")
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        call_command("privacy_erase", stdout=io.StringIO())
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.full_name


def test_the_api_twins(login, mentee, django_capture_on_commit_callbacks):
    client = login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/me/export")
    assert created.status_code == 202 and created.json()["status"] == "pending"
    listed = client.get("/api/v1/me/export").json()
    assert [e["status"] for e in listed] == ["ready"]
    assert listed[0]["download_url"] == f"/settings/data/exports/{listed[0]['code']}/"
    refused = client.post(
        "/api/v1/me/erasure", json.dumps({"password": "wrong"}), content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "wrong_password"
    erasure = client.post(
        "/api/v1/me/erasure", json.dumps({"password": PASSWORD}), content_type="application/json"
    )
    assert erasure.status_code == 202 and erasure.json()["cancelled_at"] is None
    cancelled = client.post("/api/v1/me/erasure/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] is not None
    assert client.post("/api/v1/me/erasure/cancel").status_code == 404


def test_an_admin_acts_on_a_members_request(
    login, hospital, org_admin, mentee, outsider, coordinator, django_capture_on_commit_callbacks
):
    url = f"/privacy/organizations/{hospital.code}/members/{mentee.code}/"
    for stranger in (outsider, coordinator, mentee):
        assert login(stranger).post(url, {"action": "export"}).status_code == 404
    client = login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "export"}).status_code == 302
    export = DataExport.objects.get(user=mentee)
    assert export.requested_by == org_admin
    # The link goes to the member, and the admin cannot open it.
    assert mail.outbox[-1].to == [mentee.email]
    assert client.get(f"/settings/data/exports/{export.code}/").status_code == 404
    client.post(url, {"action": "erase"})
    erasure = ErasureRequest.objects.get(user=mentee)
    assert erasure.requested_by == org_admin
    event = AuditEvent.objects.get(action="privacy.erasure_requested")
    assert (event.actor, event.subject) == (org_admin, mentee)


def test_the_exports_list_is_paginated_in_constant_queries(
    login, mentee, django_assert_max_num_queries
):
    for _ in range(25):
        DataExport.objects.create(user=mentee, requested_by=mentee, status="expired")
    client = login(mentee)
    client.get("/settings/data/")
    with django_assert_max_num_queries(12):
        page = client.get("/settings/data/?page=2")
    assert page.status_code == 200 and "Page 2 of 3" in page.content.decode()


@pytest.mark.django_db
def test_the_privacy_page_lists_the_retention_exceptions(client):
    html = client.get("/privacy/").content.decode()
    assert "Certificates" in html and "Legal holds" in html and "at least one year" in html
