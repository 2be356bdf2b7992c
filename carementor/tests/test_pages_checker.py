"""The page checker used across the suite catches what it claims to catch."""

import pytest
from django.http import HttpResponse

from carementor.tests.pages import assert_page_in_our_layout

LAYOUT = (
    '<link rel="stylesheet" href="/static/css/carementor.css">'
    '<header class="site-header"></header><main id="main">{body}</main>'
)


def page(body: str) -> HttpResponse:
    response = HttpResponse(LAYOUT.format(body=body))
    response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    return response


def test_a_clean_page_passes():
    assert_page_in_our_layout(
        page('<script src="/x.js" nonce="abc"></script><script type="application/json">{}</script>')
    )


@pytest.mark.parametrize(
    "body",
    [
        '<script src="/x.js"></script>',
        '<script nonce="other">alert(1)</script>',
        '<p style="color: red">x</p>',
        '<button onclick="go()">x</button>',
    ],
)
def test_violations_fail(body):
    with pytest.raises(AssertionError):
        assert_page_in_our_layout(page(body))
