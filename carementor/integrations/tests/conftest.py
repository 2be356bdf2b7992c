"""Fixtures for provisioning tests: a SCIM token per organization and a client that uses it."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from carementor.integrations.services import scim_token_create


@pytest.fixture
def scim_raw(hospital) -> str:  # type: ignore[no-untyped-def]
    _token, raw = scim_token_create(hospital, "Entra ID", actor_label="test")
    return raw


@pytest.fixture
def trust_raw(trust) -> str:  # type: ignore[no-untyped-def]
    _token, raw = scim_token_create(trust, "Okta", actor_label="test")
    return raw


class Scim:
    """Calls /scim/v2/ as an identity provider would, with one organization's token."""

    def __init__(self, raw: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        send: Callable[..., Any] = getattr(self.client, method.lower())
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str) else json.dumps(body)
            kwargs["content_type"] = "application/scim+json"
        return send(f"/scim/v2/{path}", **kwargs)

    def get(self, path: str, **headers: str) -> Any:
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("POST", path, body, **headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("PUT", path, body, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("PATCH", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.call("DELETE", path, **headers)


@pytest.fixture
def scim(scim_raw) -> Scim:  # type: ignore[no-untyped-def]
    return Scim(scim_raw)


@pytest.fixture
def trust_scim(trust_raw) -> Scim:  # type: ignore[no-untyped-def]
    return Scim(trust_raw)


USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user_body(email: str, **extra: Any) -> dict[str, Any]:
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "externalId": f"ext-{email}",
        "name": {"givenName": "Kavya", "familyName": "Menon"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE: {"employeeNumber": "E-1042", "department": "Paediatrics"},
    }
    body.update(extra)
    return body
