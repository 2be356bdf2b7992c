"""Free/busy from subscribed iCalendar addresses, served by a real local HTTP server."""

import datetime
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from icalendar import Calendar, Event

from carementor.audit.models import AuditEvent
from carementor.integrations import calendars
from carementor.integrations.models import BusyBlock, CalendarSubscription

UTC = datetime.UTC
# A Monday, 11:30 in Chennai and Pune.
NOW = datetime.datetime(2026, 12, 14, 6, 0, tzinfo=UTC)


def _ics(*events: dict[str, Any]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//CareMentor tests//EN")
    calendar.add("version", "2.0")
    for n, fields in enumerate(events):
        event = Event()
        event.add("uid", f"event-{n}@tests")
        event.add("dtstamp", NOW)
        for key, value in fields.items():
            event.add(key, value)
        calendar.add_component(event)
    return calendar.to_ical()


class IcsServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}


@pytest.fixture
def ics_server(settings) -> Iterator[tuple[IcsServer, str]]:  # type: ignore[no-untyped-def]
    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = True
    state = IcsServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = state.files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _at(hour: int, minute: int = 0, day: int = 14) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def test_busy_blocks_suggest_times_when_both_are_free(
    login, mentor, mentee, hospital, ics_server, django_capture_on_commit_callbacks
):
    from carementor.mentorships.tests.helpers import make_mentorship, make_program

    state, base = ics_server
    state.files["/vikram.ics"] = _ics(
        {"summary": "Cath lab list", "dtstart": _at(7), "dtend": _at(9)},
        {"summary": "Holiday?", "dtstart": _at(9), "dtend": _at(12), "transp": "TRANSPARENT"},
        {"summary": "Cancelled", "dtstart": _at(10), "dtend": _at(12), "status": "CANCELLED"},
    )
    state.files["/asha.ics"] = _ics(
        {
            "summary": "Ward round (bed 4)",
            "dtstart": _at(9),
            "dtend": _at(10, 30),
            "rrule": {"freq": "daily", "count": 30},
        }
    )
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    with time_machine.travel(NOW, tick=False):
        client = login(mentor)
        with django_capture_on_commit_callbacks(execute=True):
            saved = client.post("/integrations/calendar/", {"url": f"{base}/vikram.ics"})
        assert saved.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            calendars.calendar_subscribe(mentee, f"{base}/asha.ics")

        page = client.get("/integrations/calendar/")
        assert b"1 busy time in the next four weeks" in page.content
        times = calendars.suggest_times([mentor, mentee])
        response = client.get(
            f"/integrations/mentorships/{mentorship.code}/meeting-times/", HTTP_HX_REQUEST="true"
        )
        api = client.get(f"/api/v1/calendars/mentorships/{mentorship.code}/times").json()

    # Vikram is busy 07:00-09:00 UTC, Asha 09:00-10:30 UTC every day; 08:00-20:00 in Asia/Kolkata.
    assert times[:3] == [_at(10, 30), _at(11, 30), _at(2, 30, day=15)]
    assert [datetime.datetime.fromisoformat(t) for t in api["starts_at"]] == times
    assert response.status_code == 200
    # Shown in Vikram's time: 10:30 UTC is 16:00 in Pune, and links prefill the meeting form.
    assert b"16:00" in response.content
    assert b"meetings/new/?starts_at=2026-12-14T16:00" in response.content
    assert BusyBlock.objects.filter(subscription__user=mentee).count() == 28
    subscription = CalendarSubscription.objects.get(user=mentor)
    assert "vikram.ics" not in subscription.url_encrypted and subscription.host == "127.0.0.1"
    event = AuditEvent.objects.get(action="calendar.subscribed", actor=mentor)
    assert "vikram" not in str(event.detail)
    assert not any("Cath" in str(v) for v in BusyBlock.objects.values_list())


def test_the_meeting_form_takes_a_suggested_time(login, mentor, mentee, hospital):
    from carementor.mentorships.tests.helpers import make_mentorship, make_program

    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    page = login(mentor).get(
        f"/mentorships/{mentorship.code}/meetings/new/?starts_at=2026-12-14T16:00"
    )
    assert page.status_code == 200
    assert b'value="2026-12-14T16:00"' in page.content
    assert f"/integrations/mentorships/{mentorship.code}/meeting-times/".encode() in page.content


def test_bad_addresses_and_files_are_refused_and_keep_old_blocks(
    login, mentor, ics_server, settings
):
    state, base = ics_server
    client = login(mentor)
    refused = client.post("/integrations/calendar/", {"url": "ftp://calendar.example/x.ics"})
    assert refused.status_code == 422 and not CalendarSubscription.objects.exists()
    state.files["/ok.ics"] = _ics({"dtstart": _at(7), "dtend": _at(9)})
    with time_machine.travel(NOW, tick=False):
        subscription = calendars.calendar_subscribe(mentor, f"{base}/ok.ics")
        calendars.calendar_refresh(subscription.pk)
        state.files["/ok.ics"] = b"this is not iCalendar"
        broken = calendars.calendar_refresh(subscription.pk)
        assert broken is not None and "not a readable iCalendar" in broken.last_error
        assert BusyBlock.objects.filter(subscription=subscription).count() == 1
        del state.files["/ok.ics"]
        gone = calendars.calendar_refresh(subscription.pk)
        assert gone is not None and "answered 404" in gone.last_error
        settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = False
        private = calendars.calendar_subscribe(mentor, "https://127.0.0.1:9/cal.ics")
        refreshed = calendars.calendar_refresh(private.pk)
    assert refreshed is not None and "private address" in refreshed.last_error
    assert not BusyBlock.objects.exists()  # a new address starts from nothing


def test_outsiders_get_no_times_and_the_api_manages_the_subscription(
    login, outsider, mentor, mentee, hospital, ics_server
):
    from carementor.mentorships.tests.helpers import make_mentorship, make_program

    _state, base = ics_server
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    client = login(outsider)
    assert (
        client.get(f"/integrations/mentorships/{mentorship.code}/meeting-times/").status_code == 404
    )
    assert client.get(f"/api/v1/calendars/mentorships/{mentorship.code}/times").status_code == 404
    assert client.get("/api/v1/calendars/subscription").status_code == 404
    saved = client.put(
        "/api/v1/calendars/subscription",
        {"url": f"{base}/tom.ics"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["host"] == "127.0.0.1"
    bad = client.put(
        "/api/v1/calendars/subscription", {"url": "javascript:x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert client.delete("/api/v1/calendars/subscription").status_code == 204
    assert not CalendarSubscription.objects.exists()
