"""The mentorships API: every role and the outsider; private notes; conflicts; .ics."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from carementor.credentials.sample_documents import certificate_pdf
from carementor.mentorships.models import (
    AgendaItem,
    Meeting,
    Mentorship,
    Message,
    Phase,
    PrivateNote,
    Signature,
)

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
JSON = "application/json"


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CAREMENTOR_CLAMD_SOCKET = ""
    settings.CAREMENTOR_CLAMD_HOST = ""
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type=JSON)


def put(client, url, data):  # type: ignore[no-untyped-def]
    return client.put(url, data, content_type=JSON)


def base(mentorship):  # type: ignore[no-untyped-def]
    return f"/api/v1/mentorships/{mentorship.code}"


def test_list_and_detail_by_role(login, mentorship, mentee, coordinator, outsider):
    body = login(mentee).get("/api/v1/mentorships").json()
    assert body["count"] == 1 and body["items"][0]["code"] == mentorship.code
    assert body["items"][0]["is_party"] is True and body["items"][0]["unread_messages"] == 0
    seen = login(coordinator).get(base(mentorship)).json()
    assert seen["is_party"] is False and seen["reflection"] is None
    assert seen["unread_messages"] is None
    assert login(coordinator).get(f"{base(mentorship)}/health").json()["pending_signatures"] == 2
    response = login(outsider).get(base(mentorship))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert login(outsider).get("/api/v1/mentorships").json()["count"] == 0


def test_coordinator_creates_and_outsider_cannot(
    login, program, coordinator, outsider, mentor, mentee
):
    data = {
        "program": program.code,
        "role": "advisor",
        "mentors": [mentor.code],
        "mentees": [mentee.code],
    }
    assert post(login(outsider), "/api/v1/mentorships", data).status_code == 404
    assert post(login(mentee), "/api/v1/mentorships", data).status_code == 404
    bad = post(login(coordinator), "/api/v1/mentorships", {**data, "mentees": [outsider.code]})
    assert bad.status_code == 422
    assert not Mentorship.objects.exists()
    made = post(login(coordinator), "/api/v1/mentorships", data)
    assert made.status_code == 201 and made.json()["phase"] == "proposed"


def test_agreement_sign_and_conflict(login, mentorship, mentor, mentee, coordinator):
    url = f"{base(mentorship)}/agreement"
    assert login(coordinator).get(url).status_code == 404
    assert post(login(coordinator), f"{url}/sign", {"version": 1}).status_code == 404
    agreement = login(mentee).get(url).json()
    assert agreement["version"] == 1 and len(agreement["pending_signers"]) == 2
    edit = {
        "base_version": 1,
        "goals": "Publish a case report",
        "meeting_frequency": "Monthly",
        "confidentiality": "Confidential, except patient safety and legal duty.",
    }
    assert put(login(mentee), url, edit).json()["goals"] == "Publish a case report"
    assert post(login(mentee), f"{url}/sign", {"version": 1}).status_code == 200
    twice = post(login(mentee), f"{url}/sign", {"version": 1})
    assert twice.status_code == 409 and twice.json()["code"] == "signed"
    # An amendment after a signature is a new version; the stale signer gets 409.
    assert put(login(mentor), url, {**edit, "goals": "Two case reports"}).json()["version"] == 2
    stale = post(login(mentee), f"{url}/sign", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    post(login(mentee), f"{url}/sign", {"version": 2})
    final = post(login(mentor), f"{url}/sign", {"version": 2}).json()
    assert final["effective_at"] is not None
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE
    assert Signature.objects.count() == 3


def test_meetings_agenda_notes_and_private_notes(
    login, mentorship, mentor, mentee, coordinator, org_admin, outsider
):
    client = login(mentor)
    created = post(
        client,
        f"{base(mentorship)}/meetings",
        {"starts_at": "2026-06-10T10:00:00+01:00", "duration_minutes": 60, "mode": "video"},
    )
    assert created.status_code == 201
    meeting = created.json()
    assert meeting["starts_at"].startswith("2026-06-10T09:00:00") and meeting[
        "video_url"
    ].startswith("https://meet.jit.si/")
    murl = f"{base(mentorship)}/meetings/{meeting['code']}"
    naive = post(client, f"{base(mentorship)}/meetings", {"starts_at": "2026-06-10T10:00:00"})
    assert naive.status_code == 422
    ics = login(mentee).get(f"{murl}/ics")
    (event,) = [c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT"]
    assert event.decoded("dtstart") == dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)

    # Agenda: mentee adds, mentor refused.
    mentor_add = post(login(mentor), f"{murl}/agenda", {"text": "x"})
    assert mentor_add.status_code == 403 and mentor_add.json()["code"] == "mentee_leads"
    a = post(login(mentee), f"{murl}/agenda", {"text": "Research ideas"}).json()
    b = post(login(mentee), f"{murl}/agenda", {"text": "Work-life balance"}).json()
    order = put(login(mentee), f"{murl}/agenda", {"codes": [b["code"], a["code"]]}).json()
    assert [i["text"] for i in order] == ["Work-life balance", "Research ideas"]
    assert put(login(mentee), f"{murl}/agenda", {"codes": [a["code"]]}).status_code == 409

    # Shared notes with version check.
    assert (
        put(login(mentor), f"{murl}/notes", {"body": "v1", "base_version": 0}).json()["version"]
        == 1
    )
    conflict = put(login(mentee), f"{murl}/notes", {"body": "mine", "base_version": 0})
    assert conflict.status_code == 409 and "changed since you opened" in conflict.json()["detail"]
    assert login(mentee).get(f"{murl}/notes").json()["body"] == "v1"

    # Private notes: only the author, ever.
    put(login(mentee), f"{murl}/private-note", {"body": "Worried about the exam"})
    assert login(mentee).get(f"{murl}/private-note").json()["body"] == "Worried about the exam"
    assert login(mentor).get(f"{murl}/private-note").json()["body"] == ""
    for user in (coordinator, org_admin, outsider):
        c = login(user)
        for path in ("", "/notes", "/private-note", "/agenda", "/ics"):
            assert c.get(f"{murl}{path}").status_code == 404, (user, path)
        assert put(c, f"{murl}/notes", {"body": "x", "base_version": 1}).status_code == 404
        assert put(c, f"{murl}/private-note", {"body": "x"}).status_code == 404
    assert PrivateNote.objects.get().body == "Worried about the exam"
    assert AgendaItem.objects.count() == 2


def test_goals_actions_and_action_plan(login, mentorship, mentor, mentee, outsider):
    goal = post(
        login(mentee),
        f"{base(mentorship)}/goals",
        {"title": "Lead ward rounds", "target_date": "2026-12-01"},
    )
    assert goal.status_code == 201
    g = goal.json()["code"]
    progress = post(
        login(mentee), f"{base(mentorship)}/goals/{g}/progress", {"progress": 50}
    ).json()
    assert progress["progress"] == 50 and [p for _, p in progress["history"]] == [0, 50]
    assert (
        post(login(mentee), f"{base(mentorship)}/goals/{g}/progress", {"progress": 101}).status_code
        == 422
    )
    item = post(
        login(mentor),
        f"{base(mentorship)}/action-items",
        {"title": "Shadow the registrar", "owner": mentee.code, "due_on": "2026-05-01", "goal": g},
    ).json()
    assert item["overdue"] is True
    plan = login(mentee).get("/api/v1/mentorships/action-plan").json()
    assert [i["title"] for i in plan] == ["Shadow the registrar"]
    done = post(
        login(mentee), f"{base(mentorship)}/action-items/{item['code']}/done", {"done": True}
    )
    assert done.json()["done_at"] is not None
    assert login(outsider).get(f"{base(mentorship)}/goals").status_code == 404
    assert (
        post(
            login(mentor),
            f"{base(mentorship)}/action-items",
            {"title": "x", "owner": outsider.code},
        ).status_code
        == 422
    )


def test_messages_with_attachment(login, mentorship, mentor, mentee, coordinator):
    url = f"{base(mentorship)}/messages"
    sent = login(mentee).post(
        url,
        {"body": "My draft", "attachment": SimpleUploadedFile("d.pdf", certificate_pdf(["Draft"]))},
    )
    assert sent.status_code == 201 and sent.json()["attachments"][0]["name"] == "d.pdf"
    bad = login(mentee).post(
        url, {"body": "x", "attachment": SimpleUploadedFile("d.pdf", b"%PDF-1.4 junk")}
    )
    assert bad.status_code == 422
    assert login(mentor).get("/api/v1/mentorships").json()["items"][0]["unread_messages"] == 1
    page = login(mentor).get(url).json()
    assert page["unread"] == 1 and page["items"][0]["body"] == "My draft"
    assert login(mentor).get("/api/v1/mentorships").json()["items"][0]["unread_messages"] == 0
    assert login(coordinator).get(url).status_code == 404
    assert login(coordinator).post(url, {"body": "hello"}).status_code == 404
    assert Message.objects.count() == 1


def test_help_closing_close_and_extension(login, mentorship, mentor, mentee, coordinator, outsider):
    Mentorship.objects.filter(pk=mentorship.pk).update(phase=Phase.ACTIVE, activated_at=NOW)
    assert (
        post(login(mentee), f"{base(mentorship)}/help", {"reason": "We keep missing"}).status_code
        == 201
    )
    assert post(login(mentee), f"{base(mentorship)}/help", {}).status_code == 409
    rows = (
        login(coordinator).get(f"/api/v1/mentorships/oversee/{mentorship.organization.code}").json()
    )
    assert rows["items"][0]["health"]["at_risk"] is True
    assert (
        login(outsider)
        .get(f"/api/v1/mentorships/oversee/{mentorship.organization.code}")
        .status_code
        == 404
    )
    ext = post(login(mentee), f"{base(mentorship)}/extensions", {"new_ends_on": "2027-01-01"})
    assert ext.status_code == 201
    code = ext.json()["code"]
    assert (
        post(
            login(mentor), f"{base(mentorship)}/extensions/{code}/decide", {"approve": True}
        ).status_code
        == 404
    )
    assert (
        post(
            login(coordinator), f"{base(mentorship)}/extensions/{code}/decide", {"approve": True}
        ).json()["status"]
        == "approved"
    )
    assert post(login(outsider), f"{base(mentorship)}/closing", {}).status_code == 404
    assert post(login(coordinator), f"{base(mentorship)}/closing", {}).json()["phase"] == "closing"
    assert (
        post(
            login(coordinator),
            f"{base(mentorship)}/close",
            {"outcome": "achieved", "reflection": "x"},
        ).status_code
        == 404
    )
    closed = post(
        login(mentee),
        f"{base(mentorship)}/close",
        {"outcome": "achieved", "reflection": "Passed the exam", "redefined_as": "peer"},
    ).json()
    assert closed["phase"] == "redefined" and closed["reflection"] == "Passed the exam"
    assert login(coordinator).get(base(mentorship)).json()["reflection"] is None


def test_calendar_feed_api(login, client, mentorship, mentee):
    url = post(login(mentee), "/api/v1/mentorships/calendar-feed", {}).json()["url"]
    path = url.replace("http://testserver", "")
    client.logout()
    assert client.get(path).status_code == 200
    login(mentee).delete("/api/v1/mentorships/calendar-feed")
    client.logout()
    assert client.get(path).status_code == 404


def test_network_api(login, mentorship, mentee):
    body = login(mentee).get("/api/v1/mentorships/network").json()
    mentor_role = next(r for r in body["roles"] if r["role"] == "mentor")
    assert len(mentor_role["people"]) == 1 and "coach" in body["missing_roles"]


def test_anonymous_gets_401(client, mentorship):
    assert client.get("/api/v1/mentorships").status_code == 401
    assert client.get(base(mentorship)).status_code == 401
    assert not Meeting.objects.exists()
