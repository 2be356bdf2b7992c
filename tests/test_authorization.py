"""Every route and API operation is behind authentication or on an explicit public allowlist.

The test walks the URL resolver and the OpenAPI schema, so a new page or operation that forgets
its gate fails here without anyone writing a test for it.
"""

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open, by URL name. Each entry is a deliberate decision.
PUBLIC_PAGES = {
    "home",
    "health",
    "ready",
    "favicon",
    "set_language",
    # allauth: signing in, signing up, recovering access.
    "account_login",
    "account_signup",
    "account_logout",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_confirm_password_reset_code",
    "account_confirm_email_verification_code",
    "mfa_authenticate",
    "mfa_trust",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
    # Single sign-on: "Sign in with <organization>" for a typed work address, and allauth's
    # page for a sign-in the person cancelled at their identity provider.
    "sso:start",
    "socialaccount_login_cancelled",
    # An invitation link opened before signing in explains how to accept it.
    "organizations:invitation",
    # Certificate verification is public by design (issue 7) — listed when it exists.
    "certificates:verify",
    # A calendar app subscribes without a session: the secret, revocable token in the URL is
    # the authentication (issue 5).
    "mentorships:calendar_feed",
    # The privacy page explains data rights and retention to anyone (issue 14).
    "privacy:policy",
    # The e-mailed unlock link works before signing in; a bad token is 404 (issue 14).
    "login_unlock",
}

# API operations anyone may call: (method, path).
PUBLIC_OPERATIONS = {
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/certificates/verify/{code}"),  # anyone verifies a certificate (issue 7)
}

# Django admin has its own staff login; it is checked separately below.
SKIP_NAMESPACES = {"admin", "api"}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns in SKIP_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield prefix + str(entry.pattern), full


def concrete(route: str) -> str:
    """Turn a route into a URL by filling every parameter with a plausible value."""
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<[^>]+>", "abc123", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "abc123", route)
    route = route.replace("\\", "")
    return "/" + route


def all_routes() -> list[tuple[str, str]]:
    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), all_routes())
def test_every_page_needs_login_or_is_public(client, route: str, name: str) -> None:
    if name in PUBLIC_PAGES or route.startswith("static/") or "__errors__" in route:
        return
    url = concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code in (301, 302):
            location = response["Location"]
            assert "/accounts/login/" in location or "/accounts/" in location, (
                f"{method.upper()} {url} ({name}) redirects an anonymous visitor to {location}"
            )
        else:
            assert response.status_code in (401, 403, 404, 405), (
                f"{method.upper()} {url} ({name}) answered {response.status_code} to an "
                "anonymous visitor; put it behind login or on PUBLIC_PAGES"
            )


@pytest.mark.django_db
def test_admin_needs_staff(client, mentee) -> None:
    assert client.get("/admin/").status_code == 302
    client.force_login(mentee)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def openapi_operations() -> list[tuple[str, str, bool]]:
    from carementor.api import api

    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            secured = bool(operation.get("security"))
            found.append((method.upper(), path, secured))
    return sorted(found)


@pytest.mark.parametrize(("method", "path", "secured"), openapi_operations())
def test_every_operation_is_secured_or_public(method: str, path: str, secured: bool) -> None:
    assert secured or (method, path) in PUBLIC_OPERATIONS, (
        f"{method} {path} has no security in OpenAPI and is not on PUBLIC_OPERATIONS"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "secured"), openapi_operations())
def test_every_secured_operation_refuses_anonymous(
    client, method: str, path: str, secured: bool
) -> None:
    if not secured:
        return
    url = re.sub(r"\{[^}]+\}", "abc123", path)
    response = client.generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 401, f"{method} {url} answered {response.status_code}"
    assert response.json()["code"] == "unauthenticated"
