"""Hostile input at the API's edge gets the one error shape and a 4xx, never a 500."""

import json
from typing import Any

import pytest

from carementor.accounts.services import token_create


@pytest.fixture
def auth(mentee: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(mentee, 'edges')[1]}"}


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == code
    return body  # type: ignore[no-any-return]


def _patch_me(client: Any, auth: dict[str, str], body: Any, **extra: Any) -> Any:
    extra.setdefault("content_type", "application/json")
    return client.patch("/api/v1/me", data=json.dumps(body), **auth, **extra)


@pytest.mark.parametrize("text", ["Asha\x00", "Asha\x07", "Asha\x1b[31m", "Asha\x85"])
def test_control_characters_in_text_are_refused(client, auth, mentee, text):
    body = _error(_patch_me(client, auth, {"full_name": text}), 422, "invalid")
    assert body["errors"][0]["loc"][-1] == "full_name"
    mentee.refresh_from_db()
    assert mentee.full_name == "Asha Raman"


@pytest.mark.parametrize(
    "name", ["Asha\u202eRaman", "A\u200bsha", "\ufeffAsha", "Asha\u2066", "Asha\u2060"]
)
def test_invisible_and_direction_characters_are_refused_in_names(client, auth, mentee, name):
    _error(_patch_me(client, auth, {"full_name": name}), 422, "invalid")
    mentee.refresh_from_db()
    assert mentee.full_name == "Asha Raman"


def test_tabs_and_line_breaks_stay_allowed_in_long_text(client, auth, mentee):
    response = client.patch(
        "/api/v1/profile",
        data=json.dumps({"bio": "Paediatrics.\r\n\tNeonatal care."}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content


def test_a_nul_in_a_query_parameter_is_422(client, auth):
    response = client.get("/api/v1/profiles", {"q": "a\x00b"}, **auth)
    assert _error(response, 422, "invalid")["errors"][0]["loc"] == ["query", "q"]


def test_a_nul_in_a_path_id_is_404(client, auth):
    _error(client.get("/api/v1/credentials/ab%00cd", **auth), 404, "not_found")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/notifications?page=99999999999999999999",
        "/api/v1/mentorships?page=99999999999999999999",
        "/api/v1/credentials?offset=99999999999999999999",
        "/api/v1/programs/?limit=99999999999999999999",
        "/api/v1/evaluations/assignments?page=99999999999999999999",
        "/api/v1/tokens?page=99999999999999999999",
        "/api/v1/organizations/?page=99999999999999999999",
    ],
)
def test_huge_numbers_in_parameters_are_422(client, auth, url):
    _error(client.get(url, **auth), 422, "invalid")


def test_a_body_that_is_not_json_is_415(client, auth):
    response = _patch_me(client, auth, {"full_name": "Asha"}, content_type="text/plain")
    assert "application/json" in _error(response, 415, "unsupported_media_type")["detail"]


def test_unparsable_json_is_400(client, auth):
    response = client.patch("/api/v1/me", data="{", content_type="application/json", **auth)
    _error(response, 400, "parse_error")


def test_a_12_mb_body_is_413_naming_the_limit(client, auth):
    huge = {"full_name": "x" * (12 * 1024 * 1024)}
    body = _error(_patch_me(client, auth, huge), 413, "too_large")
    assert "11.0\xa0MB" in body["detail"]


UPLOADS = [
    "/api/v1/credentials/abc/evidence",
    "/api/v1/certificates/settings/abc/logo",
    "/api/v1/evaluations/instruments/import-file",
    "/api/v1/learning/modules/abc/documents",
    "/api/v1/programs/abc/imports",
    "/api/v1/mentorships/abc/messages",
    "/api/v1/integrations/abc/hr-feeds/abc/file",
    "/api/v1/communities/posts/abc/attachments",
]


@pytest.mark.parametrize("url", UPLOADS)
@pytest.mark.parametrize("by", ["token", "session"])
def test_multipart_without_a_boundary_is_400(client, auth, mentee, url, by):
    # With a session, the CSRF check reads the form before authentication is decided.
    if by == "session":
        client.force_login(mentee)
    extra = auth if by == "token" else {}
    response = client.generic(
        "POST", url, b"--x\r\n\r\n", content_type="multipart/form-data", **extra
    )
    _error(response, 400, "bad_request")


def test_every_upload_operation_is_covered():
    from carementor.api import api

    schema = api.get_openapi_schema()
    multipart = {
        path.replace("{code}", "abc").replace("{org}", "abc").replace("{feed_code}", "abc")
        for path, item in schema["paths"].items()
        for operation in item.values()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    }
    assert multipart == set(UPLOADS)


def test_a_code_that_spells_another_route_is_a_documented_405(client, auth):
    # PATCH /programs/{code} with the code "templates" reaches GET /programs/templates.
    _error(
        client.patch(
            "/api/v1/programs/templates", data="{}", content_type="application/json", **auth
        ),
        405,
        "method_not_allowed",
    )
    from carementor.api import api

    assert "405" in {
        str(s)
        for s in api.get_openapi_schema()["paths"]["/api/v1/programs/{code}"]["patch"]["responses"]
    }


def test_an_error_on_an_unknown_api_path_is_json(client):
    _error(client.get("/api/v1/no/such/thing"), 404, "not_found")


def test_a_nul_in_a_page_path_is_the_friendly_404(login, mentee):
    response = login(mentee).get("/credentials/ab%00cd/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_a_nul_in_a_page_query_is_the_friendly_400(login, mentee):
    response = login(mentee).get("/profiles/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "We couldn’t read that request" in response.content.decode()
