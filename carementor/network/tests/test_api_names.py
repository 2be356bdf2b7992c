"""The API names other tools rely on (issue 16) exist with exactly these paths and methods,
and each answers through the front door."""

import pytest

from carementor.api import api

pytestmark = pytest.mark.django_db

PROMISED = [
    ("get", "/api/v1/roles"),
    ("get", "/api/v1/network/mentors"),
    ("post", "/api/v1/network/requests"),
    ("get", "/api/v1/programs/{code}/dashboard"),
]


def test_the_promised_operations_are_in_the_openapi_schema() -> None:
    paths = api.get_openapi_schema()["paths"]
    for method, path in PROMISED:
        assert method in paths.get(path, {}), (method, path)


def test_each_answers_a_signed_in_person_and_refuses_anonymous(client, login, mentee):  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/roles").status_code == 401
    assert client.get("/api/v1/network/mentors").status_code == 401
    assert (
        client.post("/api/v1/network/requests", {}, content_type="application/json").status_code
        == 401
    )
    assert client.get("/api/v1/programs/nosuchcode/dashboard").status_code == 401
    signed_in = login(mentee)
    assert signed_in.get("/api/v1/roles").status_code == 200
    # A person with an incomplete profile is asked to complete it (not a missing route).
    assert signed_in.get("/api/v1/network/mentors").json()["code"] == "profile_incomplete"
    refused = signed_in.post(
        "/api/v1/network/requests",
        {"mentor": "nosuchmentor", "note": "Hello"},
        content_type="application/json",
    )
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert signed_in.get("/api/v1/programs/nosuchcode/dashboard").status_code == 404
