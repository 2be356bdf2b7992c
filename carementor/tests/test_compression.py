"""Pages travel compressed to browsers that ask for it; see README, "Compression"."""

import gzip

from django.conf import settings


def test_pages_are_gzipped_for_browsers_that_ask(login, mentee):
    response = login(mentee).get("/dashboard/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<h1>Welcome," in html


def test_pages_are_plain_for_clients_that_do_not_ask(login, mentee):
    response = login(mentee).get("/dashboard/")
    assert not response.has_header("Content-Encoding")
    assert "<h1>Welcome," in response.content.decode()


def test_the_session_cookie_never_rides_on_cross_site_requests() -> None:
    # BREACH needs the victim's browser to send many attacker-chosen requests with its
    # cookies; SameSite=Lax keeps the session off cross-site subresource requests.
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.MIDDLEWARE.index("django.middleware.gzip.GZipMiddleware") > (
        settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
    )


def test_the_csrf_token_differs_on_every_page(login, mentee):
    # A token masked afresh for each response gives a compression oracle nothing to recover.
    client = login(mentee)
    first = client.get("/dashboard/").content.decode()
    second = client.get("/dashboard/").content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'

    def token(html: str) -> str:
        return html.split(marker, 1)[1].split('"', 1)[0]

    assert token(first) != token(second)
