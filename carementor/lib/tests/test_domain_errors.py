"""A service's refusal that a page view does not catch answers the status page with the
error's status and message (``DomainErrorMiddleware``), never a 500."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from carementor.lib.errors import DomainError
from carementor.lib.testing import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def refuse(request: HttpRequest, status: int) -> HttpResponse:
    raise DomainError("This mentor has no free places left.", status=status, code="full")


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("not a refusal")


urlpatterns = [
    path("refuse/<int:status>/", refuse),
    path("api/refuse/<int:status>/", refuse),
    path("crash/", crash),
    path("", include("carementor.urls")),
]


@pytest.mark.parametrize(
    ("status", "heading"),
    [(409, "can’t be done right now"), (404, "couldn’t find that"), (422, "could not be done")],
)
def test_an_uncaught_refusal_on_a_page_answers_its_status_and_message(status, heading):
    response = Client(raise_request_exception=False).get(f"/refuse/{status}/")
    assert response.status_code == status
    body = response.content.decode()
    assert "This mentor has no free places left." in body
    assert heading in body
    assert response.templates[0].name == "errors/domain.html"


def test_a_signed_in_person_sees_the_page_in_the_layout(client):
    client.force_login(make_user("asha@example.org", full_name="Asha Rao"))
    response = client.get("/refuse/409/")
    assert response.status_code == 409
    assert "base.html" in [t.name for t in response.templates]


def test_a_status_outside_the_error_range_answers_409():
    response = Client(raise_request_exception=False).get("/refuse/200/")
    assert response.status_code == 409


def test_other_errors_and_api_paths_are_left_alone():
    client = Client(raise_request_exception=False)
    assert client.get("/crash/").status_code == 500
    # The API answers refusals in its own handler; the page middleware does not touch /api/.
    assert client.get("/api/refuse/409/").status_code == 500
