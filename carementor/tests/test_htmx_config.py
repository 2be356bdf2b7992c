"""htmx never writes styles the Content Security Policy (style-src 'self') would block."""

import json
import re


def test_htmx_writes_no_style_element_or_attribute(login, mentee):
    html = login(mentee).get("/dashboard/").content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert match
    config = json.loads(match.group(1))
    # Its indicator <style> element: the stylesheet styles .htmx-indicator instead.
    assert config["includeIndicatorStyles"] is False
    # Settling copies listed attributes onto swapped-in elements with setAttribute.
    assert "style" not in config["attributesToSettle"]
    assert config["allowEval"] is False


def test_favicon_is_served_without_a_404(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"
    assert "max-age" in response["Cache-Control"]
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in html
