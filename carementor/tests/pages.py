"""Checks that every HTML page of CareMentor must pass, shared by the test modules."""

import re

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")


def csp_nonce(response) -> str:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    match = NONCE_IN_HEADER.search(header)
    assert match, f"no nonce in script-src: {header}"
    return match.group(1)


def assert_page_in_our_layout(response) -> None:  # type: ignore[no-untyped-def]
    """Our layout and stylesheet, and nothing the Content Security Policy would block.

    Every executable script carries this response's nonce; JSON data blocks
    (type="application/json") are never executed, so CSP does not apply to them. Inline
    style attributes are forbidden outright (style-src has no 'unsafe-inline').
    """
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/carementor.css">' in html
    assert '<header class="site-header">' in html and '<main id="main"' in html
    nonce = csp_nonce(response)
    for attributes in SCRIPT_TAG.findall(html):
        if 'type="application/json"' in attributes:
            continue
        assert f'nonce="{nonce}"' in attributes, f"<script{attributes}> lacks the nonce"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
