"""A mentee logs an activity, their mentor observes and signs it off; strangers see nothing."""

import datetime as dt
import json
import zipfile
from io import BytesIO

import pytest
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.lib.testing import assert_flat_queries
from carementor.logbooks.models import EntryStatus, LogEntry
from carementor.logbooks.services import entry_decide, entry_log
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.notifications.models import Notification
from carementor.privacy.erasure import erase_person
from carementor.privacy.export import build_zip
from carementor.profiles.models import Competency


@pytest.fixture
def mentorship(hospital, mentor, mentee):  # type: ignore[no-untyped-def]
    return make_mentorship(make_program(hospital), mentor, mentee)


def pocus() -> Competency:
    return Competency.objects.get(code="point-of-care-ultrasound")


def log(mentee, mentor, **extra):  # type: ignore[no-untyped-def]
    values = {
        "competency": pocus(),
        "activity": "FAST scan on a trauma patient",
        "performed_on": timezone.localdate(),
        "level": 2,
        "observer": mentor,
    }
    values.update(extra)
    return entry_log(user=mentee, **values)


def test_a_mentee_logs_and_the_mentor_signs_off_on_the_pages(login, mentee, mentor, mentorship):
    client = login(mentee)
    response = client.post(
        "/logbooks/",
        {
            "competency": "point-of-care-ultrasound",
            "activity": "FAST scan in the emergency department",
            "performed_on": timezone.localdate().isoformat(),
            "setting": "Emergency department, Chennai",
            "level": "2",
            "reflection": "Found the hepatorenal view hard.",
            "observer": mentor.code,
        },
    )
    entry = LogEntry.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/logbooks/entries/{entry.code}/"
    )
    assert entry.status == EntryStatus.REQUESTED and entry.observer == mentor
    assert Notification.objects.filter(recipient=mentor, kind="logbook_signoff_requested").exists()

    client.force_login(mentor)
    assert (
        "FAST scan in the emergency department" in client.get("/logbooks/to-sign/").content.decode()
    )
    refused = client.post(f"/logbooks/entries/{entry.code}/", {"decision": "sign"})
    assert refused.status_code == 422  # a sign-off needs the level observed
    signed = client.post(
        f"/logbooks/entries/{entry.code}/",
        {"decision": "sign", "observed_level": "3", "feedback": "Good probe handling."},
    )
    assert signed.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.observed_level) == (EntryStatus.SIGNED, 3)
    assert AuditEvent.objects.filter(action="logbook.entry.signed", actor=mentor).exists()

    client.force_login(mentee)
    html = client.get("/logbooks/").content.decode()
    assert "Point-of-care ultrasound" in html or pocus().name in html
    assert "<td>1</td><td>1</td><td>3</td>" in html
    csv_text = client.get("/logbooks/export.csv").content.decode()
    assert (
        "FAST scan in the emergency department" in csv_text and "Good probe handling." in csv_text
    )


def test_the_api_twins(login, mentee, mentor, mentorship):
    client = login(mentee)
    created = client.post(
        "/api/v1/logbooks/entries",
        {
            "competency": "ehr-use",
            "activity": "Placed medication orders in the new EHR",
            "performed_on": timezone.localdate().isoformat(),
            "level": 3,
            "observer": mentor.code,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    client.force_login(mentor)
    queue = client.get("/api/v1/logbooks/to-sign").json()
    assert [e["code"] for e in queue["items"]] == [code]
    decided = client.post(
        f"/api/v1/logbooks/entries/{code}/decision",
        {"decision": "decline", "feedback": "I did not see this one; log it when I am on shift."},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "declined"
    again = client.post(
        f"/api/v1/logbooks/entries/{code}/decision",
        {"decision": "sign", "observed_level": 3},
        content_type="application/json",
    )
    assert again.status_code == 409
    client.force_login(mentee)
    progress = client.get("/api/v1/logbooks/progress").json()
    assert progress[0]["competency"] == "ehr-use" and progress[0]["signed"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"competency": "no-such-skill"}, "competency"),
        ({"level": 7}, "level"),
        ({"activity": ""}, "activity"),
        ({"performed_on": "2999-01-01"}, "performed_on"),
        ({"activity": "a\x00b"}, "activity"),
    ],
)
def test_bad_entries_are_refused(login, mentee, mentor, mentorship, change, field):
    body = {
        "competency": "ehr-use",
        "activity": "Orders",
        "performed_on": timezone.localdate().isoformat(),
        "level": 3,
        "observer": mentor.code,
        **change,
    }
    response = login(mentee).post("/api/v1/logbooks/entries", body, content_type="application/json")
    assert response.status_code == 422
    assert not LogEntry.objects.exists()


def test_only_a_mentor_can_be_asked_to_observe(login, mentee, coordinator, outsider, mentorship):
    client = login(mentee)
    for stranger in (coordinator, outsider):
        response = client.post(
            "/api/v1/logbooks/entries",
            {
                "competency": "ehr-use",
                "activity": "Orders",
                "performed_on": timezone.localdate().isoformat(),
                "level": 3,
                "observer": stranger.code,
            },
            content_type="application/json",
        )
        assert response.status_code == 422
    assert not LogEntry.objects.exists()


def test_strangers_cannot_see_or_sign(login, mentee, mentor, org_admin, outsider, mentorship):
    entry = log(mentee, mentor)
    client = login(outsider)
    for other in (outsider, org_admin):
        client.force_login(other)
        assert client.get(f"/logbooks/entries/{entry.code}/").status_code == 404
        assert client.get(f"/api/v1/logbooks/entries/{entry.code}").status_code == 404
        response = client.post(
            f"/api/v1/logbooks/entries/{entry.code}/decision",
            {"decision": "sign", "observed_level": 5},
            content_type="application/json",
        )
        assert response.status_code == 404
    # The mentee reads her entry but cannot sign it herself.
    client.force_login(mentee)
    response = client.post(
        f"/api/v1/logbooks/entries/{entry.code}/decision",
        {"decision": "sign", "observed_level": 5},
        content_type="application/json",
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REQUESTED


def test_lists_are_paginated_in_constant_queries(login, mentee, mentor, mentorship):
    client = login(mentee)
    add = lambda k: [log(mentee, mentor) for _ in range(k)]  # noqa: E731
    assert_flat_queries(lambda: client.get("/logbooks/"), add)
    assert_flat_queries(lambda: client.get("/api/v1/logbooks/entries"), add)
    client.force_login(mentor)
    assert_flat_queries(lambda: client.get("/logbooks/to-sign/"), add)
    assert_flat_queries(lambda: client.get("/api/v1/logbooks/to-sign"), add)


def test_export_and_erasure(mentee, mentor, mentorship):
    entry = log(mentee, mentor, performed_on=timezone.localdate() - dt.timedelta(days=3))
    entry_decide(entry=entry, observer=mentor, sign=True, observed_level=4)
    archive = zipfile.ZipFile(BytesIO(build_zip(mentee)))
    assert len(json.loads(archive.read("logbook_entries.json"))) == 1
    erase_person(mentee)
    assert not LogEntry.objects.exists()
