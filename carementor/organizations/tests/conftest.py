"""Fixtures for organization tests, on top of the named cast in the root conftest."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from carementor.organizations import services
from carementor.organizations.models import Invitation
from carementor.organizations.tokens import make_token


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run on_commit callbacks (e-mail tasks) as the block exits, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def invite(hospital, org_admin, on_commit) -> Callable[..., Invitation]:  # type: ignore[no-untyped-def]
    """invite(email, *roles) as the hospital's admin, sending the e-mail."""

    def _invite(email: str, *roles: str, organization: Any = None, by: Any = None) -> Invitation:
        with on_commit():
            return services.invitation_create(
                organization or hospital, email, list(roles), by or org_admin
            )

    return _invite


@pytest.fixture
def invitation(invite) -> Invitation:  # type: ignore[no-untyped-def]
    """A pending invitation for a person with no account yet, as a mentor."""
    created = invite("Neha.Kapoor@Example.org", "mentor")
    mail.outbox.clear()
    return created


@pytest.fixture
def token(invitation) -> str:  # type: ignore[no-untyped-def]
    return make_token(invitation)


def link_in(message: Any) -> str:
    """The first absolute link in an e-mail's body."""
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    """Platform staff with MFA, who may act on every organization."""
    from carementor.lib.testing import give_mfa, make_user

    user = make_user("ops@carementor.example", full_name="Platform Ops", is_staff=True)
    give_mfa(user)
    return user
