"""Every page carries a Content Security Policy with a fresh nonce, and htmx honours it."""

import pytest

from carementor.tests.pages import assert_page_in_our_layout, csp_nonce

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN_PAGES = [
    "/dashboard/",
    "/settings/tokens/",
    "/settings/account/",
    "/security/mfa-required/",
    "/accounts/2fa/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def test_the_policy_forbids_inline_code_and_framing(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages(client, path):
    assert_page_in_our_layout(client.get(path))


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages(login, mentee, path):
    assert_page_in_our_layout(login(mentee).get(path))


def test_the_error_page_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert csp_nonce(response)


def test_htmx_loads_with_the_same_nonce_and_without_eval(login, mentee):
    response = login(mentee).get("/dashboard/")
    nonce = csp_nonce(response)
    html = response.content.decode()
    assert f'<script src="/static/django_htmx/htmx-2.min.js" defer nonce="{nonce}">' in html
    assert '<meta name="htmx-config" content=\'{"allowEval": false,' in html


def test_each_response_gets_a_fresh_nonce(client, db):
    assert csp_nonce(client.get("/")) != csp_nonce(client.get("/"))
