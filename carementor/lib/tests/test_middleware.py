"""Request ids on every response and log line; database outages answer 503, never 500."""

import json
import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from carementor.lib.request_id import RequestIdFilter, get_request_id, new_request_id


def test_a_sane_incoming_request_id_is_kept_and_a_bad_one_replaced(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="edge-1234.abc")
    assert response["X-Request-ID"] == "edge-1234.abc"
    response = client.get("/health/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/health/")["X-Request-ID"] != client.get("/health/")["X-Request-ID"]
    assert new_request_id("x" * 200) != "x" * 200


@pytest.mark.django_db
def test_every_log_line_written_while_serving_carries_the_request_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404
    lines = [r for r in caplog.records if r.name == "django.request"]
    assert lines and {r.request_id for r in lines} == {"req-42"}
    assert get_request_id() == "-"  # nothing leaks past the request
    logging.getLogger("carementor.test").warning("outside")
    assert caplog.records[-1].request_id == "-"


def _database_down(exc_class):
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=exc_class("could not connect to server"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("exc_class", [OperationalError, InterfaceError])
def test_a_page_answers_503_with_retry_after_when_the_database_is_down(exc_class):
    client = Client(raise_request_exception=False)
    with _database_down(exc_class):
        response = client.post(
            "/accounts/login/", {"login": "asha@example.org", "password": "long enough pass"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()
    assert "could not connect" not in response.content.decode()


@pytest.mark.django_db
def test_the_503_page_is_translated():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="hi")
    with _database_down(OperationalError):
        response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 503
    assert '<html lang="hi">' in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_page_answers_503_when_the_session_cannot_be_read(client, django_user_model):
    from carementor.lib.testing import make_user

    client.force_login(make_user("asha@example.org"))
    client.raise_request_exception = False
    with _database_down(OperationalError):
        response = client.get("/dashboard/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_the_api_answers_503_in_its_error_shape(client):
    client.raise_request_exception = False
    with _database_down(OperationalError):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cm_nothing")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "unavailable"
    assert body["errors"] == []
    assert body["detail"]


def test_the_api_handler_answers_503_for_errors_raised_inside_an_endpoint(rf):
    from carementor.api import on_database_unavailable

    response = on_database_unavailable(rf.get("/api/v1/programs"), OperationalError("gone"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "unavailable"
