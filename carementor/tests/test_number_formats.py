"""Numbers follow the reader's locale: Indian digit grouping (lakh, crore) in Hindi and English
(India), thousands in English; values forms and URLs read back are never grouped."""

import pytest
from django.template import Context, Template
from django.utils import translation

COUNTS = Template("{% load humanize %}{{ n|intcomma }} · {{ hours|intcomma }} · {{ raw }}")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("hi", "1,23,45,678 · 12,345.5 · 12345678"),
        ("en-in", "1,23,45,678 · 12,345.5 · 12345678"),
        ("en", "12,345,678 · 12,345.5 · 12345678"),
    ],
)
def test_counts_are_grouped_by_the_locale(language, expected):
    from decimal import Decimal

    with translation.override(language):
        shown = COUNTS.render(
            Context({"n": 12345678, "hours": Decimal("12345.5"), "raw": 12345678})
        )
    assert shown == expected


@pytest.mark.django_db
def test_english_india_is_offered_and_chosen(login, mentee):
    client = login(mentee)
    page = client.get("/settings/account/").content.decode()
    assert '<option value="en-in">English (India)</option>' in page
    response = client.post(
        "/settings/account/",
        {"full_name": "Asha Raman", "timezone": "Asia/Kolkata", "language": "en-in"},
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.language == "en-in"
    body = client.get("/dashboard/").content.decode()
    assert '<html lang="en-in"' in body
    assert '<option value="en-in" selected>English (India)</option>' in body  # the switcher
