"""Signed webhooks, delivered to a real HTTP receiver running in the test process."""

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.integrations import webhooks
from carementor.integrations.models import WebhookDelivery, WebhookEndpoint
from carementor.integrations.scim_resources import parse_user
from carementor.integrations.services import scim_user_create
from carementor.integrations.tests.conftest import user_body


def _free_port() -> int:
    """A port nobody listens on, per test process, so parallel workers never collide."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 204


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            self.send_response(state.answer())
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(settings):  # type: ignore[no-untyped-def]
    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = True


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _register(hospital, org_admin, events):  # type: ignore[no-untyped-def]
    return webhooks.endpoint_create(hospital, f"http://127.0.0.1:{PORT}/hooks", events, org_admin)


def _verify(secret: str, request: dict[str, Any]) -> dict[str, Any]:
    timestamp = request["headers"]["x-carementor-timestamp"]
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256
    ).hexdigest()
    assert request["headers"]["x-carementor-signature"] == f"v1={expected}"
    return json.loads(request["body"])


def test_an_admin_registers_an_endpoint_and_sends_a_test_event(
    login, org_admin, hospital, receiver, loopback, run_on_commit
):
    client = login(org_admin)
    created = client.post(
        f"/organizations/{hospital.code}/integrations/webhooks/",
        {"url": f"http://127.0.0.1:{PORT}/hooks", "events": ["person.provisioned"]},
    )
    assert created.status_code == 201
    secret = created.context["new_endpoint_secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert secret not in endpoint.secret_encrypted

    with run_on_commit():
        response = client.post(
            f"/organizations/{hospital.code}/integrations/webhooks/{endpoint.code}/test/"
        )

    assert response.status_code == 302
    (request,) = receiver.requests
    payload = _verify(secret, request)
    assert payload["type"] == "webhook.test" and payload["organization"] == hospital.code
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.last_status_code == 204
    log = client.get(f"/organizations/{hospital.code}/integrations/webhooks/{endpoint.code}/")
    assert b"webhook.test" in log.content and b"Delivered" in log.content


def test_provisioning_is_delivered_once_without_personal_data(
    org_admin, hospital, receiver, loopback, run_on_commit
):
    _endpoint, secret = _register(hospital, org_admin, ["person.provisioned"])
    person = scim_user_create(hospital, parse_user(user_body("kavya@cmc.example")))

    with run_on_commit():
        assert webhooks.dispatch() == 1
    with run_on_commit():
        assert webhooks.dispatch() == 0

    (request,) = receiver.requests
    payload = _verify(secret, request)
    assert payload["type"] == "person.provisioned"
    assert payload["data"]["person"] == person.user.code
    assert b"kavya" not in request["body"]
    assert request["headers"]["x-carementor-event"] == "person.provisioned"


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(
    org_admin, hospital, receiver, loopback, run_on_commit
):
    endpoint, _secret = _register(hospital, org_admin, ["person.provisioned"])
    receiver.statuses = [500] * 10
    with run_on_commit():
        delivery = webhooks.send_test_event(endpoint, org_admin)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)

    # Not due yet: a sweep leaves it alone.
    with run_on_commit():
        webhooks.dispatch()
    assert len(receiver.requests) == 1

    now = timezone.now()
    for step in (2, 10, 45, 200, 1000):
        with time_machine.travel(now + timedelta(minutes=step), tick=False), run_on_commit():
            webhooks.dispatch()
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == webhooks.MAX_ATTEMPTS == len(receiver.requests)


def test_a_retry_succeeds_once_the_receiver_recovers(
    org_admin, hospital, receiver, loopback, run_on_commit
):
    endpoint, _secret = _register(hospital, org_admin, ["person.provisioned"])
    receiver.statuses = [503]
    with run_on_commit():
        delivery = webhooks.send_test_event(endpoint, org_admin)
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False), run_on_commit():
        webhooks.dispatch()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2


def test_an_unreachable_endpoint_is_recorded(org_admin, hospital, loopback, run_on_commit):
    endpoint, _secret = webhooks.endpoint_create(
        hospital, "http://127.0.0.1:9149/nobody", ["person.provisioned"], org_admin
    )
    with run_on_commit():
        delivery = webhooks.send_test_event(endpoint, org_admin)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error


def test_plain_http_and_private_addresses_are_refused_in_production(
    org_admin, hospital, settings, run_on_commit
):
    from carementor.integrations.services import ScimError

    settings.CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ScimError) as refused:
        webhooks.endpoint_create(
            hospital, f"http://127.0.0.1:{PORT}/", ["person.provisioned"], org_admin
        )
    assert refused.value.status == 422
    endpoint, _secret = webhooks.endpoint_create(
        hospital, "https://127.0.0.1:9148/", ["person.provisioned"], org_admin
    )
    with run_on_commit():
        delivery = webhooks.send_test_event(endpoint, org_admin)
    delivery.refresh_from_db()
    assert "private address" in delivery.last_error


def test_the_api_registers_lists_tests_and_deletes(
    login, org_admin, hospital, receiver, loopback, django_capture_on_commit_callbacks
):
    client = login(org_admin)
    created = client.post(
        f"/api/v1/integrations/{hospital.code}/webhooks",
        {"url": f"http://127.0.0.1:{PORT}/hooks", "events": ["mentorship.closed"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    bad = client.post(
        f"/api/v1/integrations/{hospital.code}/webhooks",
        {"url": "ftp://example.org/", "events": ["mentorship.closed"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    unknown = client.post(
        f"/api/v1/integrations/{hospital.code}/webhooks",
        {"url": "https://example.org/", "events": ["weather.changed"]},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        tested = client.post(f"/api/v1/integrations/{hospital.code}/webhooks/{body['code']}/test")
    assert tested.status_code == 202
    log = client.get(f"/api/v1/integrations/{hospital.code}/webhooks/{body['code']}/deliveries")
    assert [d["status"] for d in log.json()["items"]] == ["succeeded"]
    paused = client.patch(
        f"/api/v1/integrations/{hospital.code}/webhooks/{body['code']}",
        {"is_active": False},
        content_type="application/json",
    )
    assert paused.json()["is_active"] is False
    deleted = client.delete(f"/api/v1/integrations/{hospital.code}/webhooks/{body['code']}")
    assert deleted.status_code == 204
    assert AuditEvent.objects.filter(action="webhook.endpoint_deleted").exists()


def test_an_outsider_sees_no_endpoint(login, org_admin, outsider, hospital, loopback):
    endpoint, _secret = _register(hospital, org_admin, ["person.provisioned"])
    client = login(outsider)
    base = f"/organizations/{hospital.code}/integrations/webhooks/{endpoint.code}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/test/").status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    api = f"/api/v1/integrations/{hospital.code}/webhooks/{endpoint.code}"
    assert client.get(f"{api}/deliveries").status_code == 404
    assert client.delete(api).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_log_runs_flat_queries(login, org_admin, hospital, loopback):
    from carementor.lib.testing import assert_flat_queries

    endpoint, _secret = _register(hospital, org_admin, ["person.provisioned"])
    client = login(org_admin)

    def add_rows(k: int) -> None:
        for _ in range(k):
            WebhookDelivery.objects.create(endpoint=endpoint, event_type="webhook.test")

    url = f"/organizations/{hospital.code}/integrations/webhooks/{endpoint.code}/"
    assert_flat_queries(lambda: client.get(url), add_rows)
    api = f"/api/v1/integrations/{hospital.code}/webhooks/{endpoint.code}/deliveries"
    assert_flat_queries(lambda: client.get(api), add_rows)
