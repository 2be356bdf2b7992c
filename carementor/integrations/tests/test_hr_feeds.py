"""HR feeds: a staff list in storage or at an address, a dry-run diff, and applying it."""

import io
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carementor.accounts.models import PersonalAccessToken, User
from carementor.audit.models import AuditEvent
from carementor.integrations import hr_feeds
from carementor.integrations.hr_feeds import FeedData, HrFeedError
from carementor.integrations.models import HrFeed, HrFeedPerson, HrFeedRun
from carementor.organizations.models import Invitation, Membership

MAPPING = {
    "employee_number": "Staff ID",
    "email": "Work e-mail",
    "full_name": "Name",
    "department": "Department",
    "role": "CareMentor role",
    "end_date": "Last day",
}
HEADER = "Staff ID,Work e-mail,Name,Department,CareMentor role,Last day\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def _feed(hospital, org_admin, **extra: Any) -> HrFeed:  # type: ignore[no-untyped-def]
    data = FeedData(name="Workday staff", source="storage", file_name="staff.csv", mapping=MAPPING)
    for key, value in extra.items():
        setattr(data, key, value)
    return hr_feeds.hr_feed_create(hospital, data, org_admin)


def _run(feed: HrFeed, content: bytes, actor: Any) -> HrFeedRun:
    hr_feeds.hr_feed_upload(feed, "staff.csv", content, feed.created_by)
    return hr_feeds.hr_feed_dry_run(feed, actor=actor)


def test_an_admin_configures_a_feed_uploads_dry_runs_and_applies_in_the_browser(
    login, org_admin, hospital, mentee
):
    client = login(org_admin)
    base = f"/organizations/{hospital.code}/integrations/hr-feeds/"
    form = {
        "name": "Workday staff",
        "source": "storage",
        "file_name": "staff.csv",
        "url": "",
        "frequency": "daily",
        **{f"map_{key}": header for key, header in MAPPING.items()},
    }
    created = client.post(base, form)
    feed = HrFeed.objects.get(organization=hospital)
    assert created.status_code == 302 and created["Location"] == f"{base}{feed.code}/"
    assert feed.storage_name == f"hr-feeds/{hospital.code}/staff.csv"
    assert feed.next_run_at is not None

    content = _csv(
        "E-1,kavya@cmc.example,Kavya Menon,Paediatrics,mentor,",
        f"E-2,{mentee.email},{mentee.full_name},Paediatrics,member,",
    )
    uploaded = client.post(
        f"{base}{feed.code}/file/",
        {"file": SimpleUploadedFile("staff.csv", content, content_type="text/csv")},
    )
    assert uploaded.status_code == 302

    ran = client.post(f"{base}{feed.code}/runs/")
    run = HrFeedRun.objects.get(feed=feed)
    assert ran.status_code == 302 and ran["Location"] == f"{base}{feed.code}/runs/{run.code}/"
    assert (run.status, run.joiner_count, run.leaver_count) == ("ready", 2, 0)
    assert not User.objects.filter(email="kavya@cmc.example").exists()  # a dry run writes nothing
    page = client.get(ran["Location"])
    assert b"Kavya Menon" in page.content and b"New account and membership" in page.content
    assert b"Already a member: linked" in page.content

    refused = client.post(f"{base}{feed.code}/runs/{run.code}/apply/", {})
    assert refused.status_code == 422
    applied = client.post(f"{base}{feed.code}/runs/{run.code}/apply/", {"confirm": "on"})

    assert applied.status_code == 302
    kavya = User.objects.get(email="kavya@cmc.example")
    assert Membership.objects.get(user=kavya, organization=hospital).is_mentor
    assert HrFeedPerson.objects.filter(feed=feed, active=True).count() == 2
    run.refresh_from_db()
    assert run.status == "applied" and run.applied_by == org_admin
    event = AuditEvent.objects.get(action="hr_feed.applied")
    assert event.detail["created"] == 1 and event.detail["adopted"] == 1
    assert (
        client.post(f"{base}{feed.code}/runs/{run.code}/apply/", {"confirm": "on"}).status_code
        == 422
    )


def test_a_leaver_is_deactivated_like_scim_deprovisioning(
    hospital, org_admin, coordinator, mentor, client
):
    from carementor.accounts.services import token_create
    from carementor.mentorships.models import HelpRequest
    from carementor.mentorships.tests.helpers import make_mentorship, make_program

    feed = _feed(hospital, org_admin)
    run = _run(feed, _csv("E-1,kavya@cmc.example,Kavya Menon,Paediatrics,,"), org_admin)
    hr_feeds.hr_feed_apply(run, org_admin)
    kavya = User.objects.get(email="kavya@cmc.example")
    token_create(kavya, "laptop")
    client.force_login(kavya)
    mentorship = make_mentorship(make_program(hospital), mentor, kavya)

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    stays = _run(feed, _csv(f"E-1,kavya@cmc.example,Kavya Menon,Cardiology,,{tomorrow}"), org_admin)
    assert (stays.leaver_count, stays.change_count) == (0, 1)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    leaves = _run(
        feed, _csv(f"E-1,kavya@cmc.example,Kavya Menon,Paediatrics,,{yesterday}"), org_admin
    )
    stays.refresh_from_db()
    assert stays.status == "superseded" and not stays.can_apply()
    assert leaves.leaver_count == 1

    hr_feeds.hr_feed_apply(leaves, coordinator)

    assert not Membership.objects.filter(user=kavya, organization=hospital).exists()
    kavya.refresh_from_db()
    assert not kavya.is_active  # the feed made the account and nobody else counts her
    assert not PersonalAccessToken.objects.active().filter(user=kavya).exists()
    assert client.get("/dashboard/").status_code == 302
    assert "HR feed" in HelpRequest.objects.get(mentorship=mentorship).reason
    left = AuditEvent.objects.get(action="hr_feed.person_left")
    assert left.actor == coordinator and left.detail["mentorships_flagged"] == 1
    assert not HrFeedPerson.objects.get(feed=feed).active

    returns = _run(feed, _csv("E-1,kavya@cmc.example,Kavya Menon,Paediatrics,,"), org_admin)
    assert returns.diff["joiners"][0]["action"] == "rejoin"
    hr_feeds.hr_feed_apply(returns, org_admin)
    kavya.refresh_from_db()
    assert kavya.is_active and Membership.objects.filter(user=kavya, organization=hospital).exists()
    assert HrFeedPerson.objects.get(feed=feed).active


def test_an_account_elsewhere_is_invited_and_withdrawn_if_they_leave(hospital, org_admin, outsider):
    feed = _feed(hospital, org_admin)
    run = _run(feed, _csv(f"E-9,{outsider.email},Tom Hughes,Informatics,,"), org_admin)
    assert run.diff["joiners"][0]["action"] == "invite"

    hr_feeds.hr_feed_apply(run, org_admin)

    invitation = Invitation.objects.get(organization=hospital, email=outsider.email)
    assert not Membership.objects.filter(user=outsider, organization=hospital).exists()
    leaves = _run(feed, _csv("E-1,kavya@cmc.example,Kavya Menon,Paediatrics,,"), org_admin)
    hr_feeds.hr_feed_apply(leaves, org_admin)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert outsider.is_active and Membership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (["E-1,not-an-address,A,,,"], "is not an e-mail address"),
        (["E-1,a@cmc.example,A,,surgeon,"], "is not a role a feed can give"),
        (["E-1,a@cmc.example,A,,,31/12/2026"], "is not a date"),
        (["E-1,a@cmc.example,A,,,", "E-1,b@cmc.example,B,,,"], "appears twice"),
        ([",a@cmc.example,A,,,"], "employee number is empty"),
    ],
)
def test_wrong_typed_rows_make_a_run_that_cannot_be_applied(hospital, org_admin, rows, reason):
    feed = _feed(hospital, org_admin)
    run = _run(feed, _csv(*rows), org_admin)

    assert run.status == "invalid" and not run.can_apply()
    assert reason in run.diff["errors"][0]["reason"]
    with pytest.raises(HrFeedError):
        hr_feeds.hr_feed_apply(run, org_admin)
    assert not User.objects.filter(email__endswith="@cmc.example").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Staff ID,Name\nE-1,A\n", "has no column"),
        (HEADER.encode(), "no people"),
        (b"PK\x03\x04 broken", "not a readable Excel"),
        (b"Staff ID\x00,Work e-mail\n", "NUL"),
    ],
)
def test_malformed_files_are_refused_before_they_replace_the_stored_one(
    hospital, org_admin, content, message
):
    feed = _feed(hospital, org_admin)
    hr_feeds.hr_feed_upload(feed, "staff.csv", _csv("E-1,a@cmc.example,A,,,"), org_admin)
    if message in ("has no column", "no people"):
        # Readable tables are stored; the run says what is wrong with them.
        hr_feeds.hr_feed_upload(feed, "staff.csv", content, org_admin)
        run = hr_feeds.hr_feed_dry_run(feed, actor=org_admin)
        assert run.status == "failed" and message in run.error
        return
    name = "staff.xlsx" if content.startswith(b"PK") else "staff.csv"
    with pytest.raises(HrFeedError, match=message):
        hr_feeds.hr_feed_upload(feed, name, content, org_admin)
    assert hr_feeds.hr_feed_dry_run(feed, actor=org_admin).status == "ready"


def test_an_xlsx_file_is_read(hospital, org_admin):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(MAPPING.values()))
    sheet.append(["E-7", "ravi@cmc.example", "Ravi Kumar", "AYUSH", "member", None])
    buffer = io.BytesIO()
    book.save(buffer)
    feed = _feed(hospital, org_admin)

    hr_feeds.hr_feed_upload(feed, "staff.xlsx", buffer.getvalue(), org_admin)
    run = hr_feeds.hr_feed_dry_run(feed, actor=org_admin)

    assert run.status == "ready"
    assert run.diff["joiners"][0]["email"] == "ravi@cmc.example"


def test_the_last_admin_cannot_be_a_leaver(hospital, org_admin):
    feed = _feed(hospital, org_admin)
    applied = _run(feed, _csv(f"E-1,{org_admin.email},Rohan Iyer,IT,,"), org_admin)
    hr_feeds.hr_feed_apply(applied, org_admin)

    run = _run(feed, _csv("E-2,kavya@cmc.example,Kavya Menon,,,"), org_admin)

    assert run.status == "invalid"
    assert "Every admin" in run.diff["errors"][0]["reason"]
    assert Membership.objects.filter(user=org_admin, organization=hospital, is_admin=True).exists()


class FileServer:
    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.paths: list[str] = []


@pytest.fixture
def file_server() -> Iterator[tuple[FileServer, str]]:
    """A real HTTP server on a free port of this machine, like the webhook receiver."""
    state = FileServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            self.send_response(state.status)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(settings):  # type: ignore[no-untyped-def]
    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = True


def test_a_url_feed_is_fetched_on_schedule(hospital, org_admin, file_server, loopback):
    from django.core.management import call_command

    state, base = file_server
    state.body = _csv("E-1,kavya@cmc.example,Kavya Menon,Paediatrics,,")
    feed = _feed(hospital, org_admin, source="url", url=f"{base}/export/staff.csv")
    HrFeed.objects.filter(pk=feed.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))

    call_command("hr_feeds_run")
    call_command("hr_feeds_run")  # not due any more: nothing new

    run = HrFeedRun.objects.get(feed=feed)
    assert run.status == "ready" and run.trigger == "schedule" and run.joiner_count == 1
    assert state.paths == ["/export/staff.csv"]
    feed.refresh_from_db()
    assert feed.next_run_at is not None and feed.next_run_at > timezone.now()
    event = AuditEvent.objects.get(action="hr_feed.dry_run")
    assert event.actor is None and event.actor_label == f"HR feed {feed.code}"


def test_unreachable_refused_and_oversized_addresses_fail_clearly(
    hospital, org_admin, file_server, loopback, settings
):
    state, base = file_server
    feed = _feed(hospital, org_admin, source="url", url=f"{base}/staff.csv")
    state.status = 500
    assert "answered 500" in hr_feeds.hr_feed_dry_run(feed, actor=org_admin).error

    state.status = 200
    state.body = b"x" * (hr_feeds.MAX_BYTES + 10)
    assert "larger than 5 MB" in hr_feeds.hr_feed_dry_run(feed, actor=org_admin).error

    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(HrFeedError, match="https://"):
        hr_feeds.clean_url(f"{base}/staff.csv")
    refused = HrFeedRun.objects.filter(status="failed").count()
    assert refused == 2
    assert not HrFeedPerson.objects.exists()


def test_a_private_address_is_refused_without_a_request(hospital, org_admin, settings):
    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = False
    feed = _feed(hospital, org_admin, source="url", url="https://127.0.0.1:9/staff.csv")

    run = hr_feeds.hr_feed_dry_run(feed, actor=org_admin)

    assert run.status == "failed" and "private address" in run.error


def test_the_api_twin_configures_dry_runs_and_applies(login, org_admin, hospital):
    client = login(org_admin)
    base = f"/api/v1/integrations/{hospital.code}/hr-feeds"
    created = client.post(
        base,
        {"name": "Workday", "source": "storage", "file_name": "staff.csv", "mapping": MAPPING},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    bad = client.post(
        base,
        {"name": "Other", "source": "storage", "file_name": "../x", "mapping": MAPPING},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "letters, digits" in bad.json()["detail"]
    no_email = client.post(
        base,
        {
            "name": "Other",
            "source": "storage",
            "file_name": "x.csv",
            "mapping": {"employee_number": "ID"},
        },
        content_type="application/json",
    )
    assert no_email.status_code == 422

    uploaded = client.post(
        f"{base}/{code}/file",
        {"file": SimpleUploadedFile("staff.csv", _csv("E-1,kavya@cmc.example,Kavya,,,"))},
    )
    assert uploaded.status_code == 200, uploaded.content
    run = client.post(f"{base}/{code}/runs")
    assert run.status_code == 201
    body = run.json()
    assert body["status"] == "ready" and body["diff"]["joiners"][0]["email"] == "kavya@cmc.example"
    listed = client.get(f"{base}/{code}/runs").json()
    assert [r["code"] for r in listed["items"]] == [body["code"]]

    applied = client.post(f"{base}/{code}/runs/{body['code']}/apply")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    again = client.post(f"{base}/{code}/runs/{body['code']}/apply")
    assert again.status_code == 409


def test_outsiders_and_members_cannot_reach_feeds(
    login, org_admin, hospital, outsider, mentee, coordinator
):
    feed = _feed(hospital, org_admin)
    run = _run(feed, _csv("E-1,kavya@cmc.example,Kavya,,,"), org_admin)
    page = f"/organizations/{hospital.code}/integrations/hr-feeds/{feed.code}/"
    api = f"/api/v1/integrations/{hospital.code}/hr-feeds/{feed.code}"
    client = login(outsider)
    assert client.get(page).status_code == 404
    assert client.post(f"{page}runs/{run.code}/apply/", {"confirm": "on"}).status_code == 404
    assert client.post(f"{api}/runs/{run.code}/apply").status_code == 404
    client = login(mentee)
    assert client.get(page).status_code == 403
    assert client.post(f"{api}/runs").status_code == 403
    client = login(coordinator)
    assert client.get(page).status_code == 200
    settings_form = {"name": "Hijack", "source": "url", "url": "https://evil.example/x.csv"}
    assert client.post(page, settings_form).status_code == 403
    run.refresh_from_db()
    assert run.status == "ready" and not User.objects.filter(email="kavya@cmc.example").exists()


def test_the_pages_do_not_grow_queries_with_runs_or_people(
    login, org_admin, hospital, django_assert_max_num_queries
):
    feed = _feed(hospital, org_admin)
    rows = [f"E-{n},p{n}@cmc.example,Person {n},Ward {n % 3},," for n in range(60)]
    run = _run(feed, _csv(*rows), org_admin)
    hr_feeds.hr_feed_apply(run, org_admin)
    for _ in range(3):
        hr_feeds.hr_feed_dry_run(feed, actor=org_admin)
    client = login(org_admin)
    base = f"/organizations/{hospital.code}/integrations/hr-feeds/"

    with django_assert_max_num_queries(14):
        assert client.get(f"{base}{feed.code}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{base}{feed.code}/runs/{run.code}/?joiners_page=2").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(base).status_code == 200
