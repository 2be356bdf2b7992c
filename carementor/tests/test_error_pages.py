"""Friendly 403, 404 and 500 pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from carementor import views


@pytest.fixture
def request_(db):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    return request


def test_403(request_):
    response = views.forbidden(request_, exception=Exception("nope"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can’t do that here" in html
    assert "ask your organization’s admin" in html
    assert "nope" not in html


def test_404(request_):
    response = views.not_found(request_, exception=Exception("secret detail"))
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert "secret detail" not in html


def test_500_renders_without_a_request_context():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<link rel="stylesheet" href="/static/css/carementor.css">' in html


def test_the_handlers_are_wired():
    from carementor import urls

    assert urls.handler403 == "carementor.views.forbidden"
    assert urls.handler404 == "carementor.views.not_found"
    assert urls.handler500 == "carementor.views.server_error"


def test_a_missing_page_shows_the_friendly_404_in_our_layout(login, mentee):
    response = login(mentee).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert '<header class="site-header">' in html


def test_a_crash_shows_the_friendly_500(client, db, settings):
    settings.ROOT_URLCONF = "carementor.tests.crash_urls"
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Deliberate" not in response.content.decode()


def test_the_400_handler_is_wired():
    from carementor import urls

    assert urls.handler400 == "carementor.views.bad_request"


def test_a_body_over_the_limit_shows_the_friendly_413_naming_the_limit(login, mentee, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = login(mentee).post("/credentials/new/", {"number": "x" * 4096})
    assert response.status_code == 413
    html = response.content.decode()
    assert "That was too large to send" in html
    assert "1.0\xa0KB" in html


def test_api_errors_from_django_itself_are_json(client, db):
    response = client.get("/api/v1/no/such/operation")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}
