"""The shared text rule in every Django form: NUL and other control characters are a field
error on the re-rendered page (422, never a save, never a 500), and names refuse invisible and
direction-changing characters, in forms and on the model."""

import inspect
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import get_resolver

from carementor.accounts.models import PersonalAccessToken
from carementor.certificates.models import CpdEntry
from carementor.lib.testing import add_member, make_organization, make_user
from carementor.lib.text import NAME_MESSAGE, TEXT_MESSAGE, clean_text
from carementor.mentorships.models.plans import ActionItem, Goal
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.profiles.models import Profile

CONTROL = "\x00\x07"


def test_every_text_field_of_every_form_refuses_control_characters() -> None:
    """Every CharField (and Email, URL, Slug field) of every form class in CareMentor."""
    assert get_resolver().url_patterns  # imports every view, and so every form module
    checked = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("carementor.") or not name.endswith("forms"):
            continue
        for _, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != name:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.CharField):
                    checked.append(f"{form.__qualname__}.{field_name}")
                    assert clean_text in field.validators, (
                        f"{name}.{form.__qualname__}.{field_name}"
                    )
    assert len(checked) > 50


def _world(db: Any) -> dict[str, Any]:
    hospital = make_organization("Text Hospital", slug="text-hospital")
    mentee = make_user("text-mentee@example.org", full_name="Text Mentee")
    mentor = make_user("text-mentor@example.org", full_name="Text Mentor")
    add_member(mentee, hospital)
    add_member(mentor, hospital, "mentor")
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    return {"mentee": mentee, "mentorship": mentorship.code}


# (page, its URL, the form data with a control character, the rows that must not change)
PAGES: list[tuple[str, Callable[[dict[str, Any]], str], dict[str, str], Callable[[], int]]] = [
    (
        "account settings",
        lambda w: "/settings/account/",
        {"full_name": f"Asha{CONTROL}", "timezone": "UTC", "language": "en"},
        lambda: get_user_model().objects.filter(full_name__startswith="Asha").count(),
    ),
    (
        "API tokens",
        lambda w: "/settings/tokens/",
        {"name": f"laptop{CONTROL}"},
        lambda: PersonalAccessToken.objects.count(),
    ),
    (
        "profile",
        lambda w: "/profiles/me/",
        {"full_name": "Text Mentee", "headline": f"Nurse{CONTROL}", "timezone": "UTC"},
        lambda: Profile.objects.filter(headline__startswith="Nurse").count(),
    ),
    (
        "new goal",
        lambda w: f"/mentorships/{w['mentorship']}/plan/goals/",
        {"title": f"Lead a ward round{CONTROL}", "measure": "Once a month"},
        lambda: Goal.objects.count(),
    ),
    (
        "new action item",
        lambda w: f"/mentorships/{w['mentorship']}/plan/actions/",
        {"title": f"Read the guideline{CONTROL}"},
        lambda: ActionItem.objects.count(),
    ),
    (
        "CPD entry",
        lambda w: "/certificates/cpd/",
        {"activity": f"Workshop{CONTROL}", "hours": "2", "date": "2026-01-15", "evidence": ""},
        lambda: CpdEntry.objects.count(),
    ),
]


@pytest.mark.parametrize(("label", "url", "data", "rows"), PAGES, ids=[p[0] for p in PAGES])
def test_a_control_character_re_renders_the_form_with_an_error(
    db: Any,
    label: str,
    url: Callable[[dict[str, Any]], str],
    data: dict[str, str],
    rows: Callable[[], int],
) -> None:
    world = _world(db)
    client = Client()
    client.force_login(world["mentee"])
    before = rows()
    response = client.post(url(world), data)
    # The page again with the error at the field (the forms here answer 200, 400 or 422 when
    # invalid), not a redirect after a save, not a 500.
    assert response.status_code in (200, 400, 422), (label, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    assert str(TEXT_MESSAGE) in response.content.decode(), label
    assert rows() == before, label


@pytest.mark.parametrize("name", ["Asha\u202eKumar", "Asha\u200bKumar", "\ufeffAsha"])
def test_names_refuse_invisible_characters_in_the_form_and_the_model(db: Any, name: str) -> None:
    user = make_user("name@example.org", full_name="Asha Kumar")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/settings/account/", {"full_name": name, "timezone": "UTC", "language": "en"}
    )
    assert response.status_code == 422
    assert str(NAME_MESSAGE) in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Asha Kumar"
    # The model refuses it too, so the admin and imports (which validate models) obey it.
    user.full_name = name
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "full_name" in refused.value.message_dict
