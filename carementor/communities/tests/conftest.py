from datetime import timedelta

import pytest
from django.utils import timezone

from carementor.communities import services
from carementor.communities.models import Community
from carementor.lib.testing import make_user

ESTABLISHED = timezone.now() - timedelta(days=60)


@pytest.fixture
def kavita(db):  # type: ignore[no-untyped-def]
    """A moderator of a national community, in no organisation of the cast."""
    return make_user(
        "kavita@example.org",
        full_name="Kavita Rao",
        timezone="Asia/Kolkata",
        date_joined=ESTABLISHED,
    )


@pytest.fixture
def meena(db):  # type: ignore[no-untyped-def]
    """A staff nurse with no organisation at all, on CareMentor for two months (so her first
    post is not held as a new account's)."""
    return make_user(
        "meena@example.org",
        full_name="Meena Yadav",
        timezone="Asia/Kolkata",
        date_joined=ESTABLISHED,
    )


@pytest.fixture
def open_community(kavita) -> Community:  # type: ignore[no-untyped-def]
    return services.community_create(
        actor=kavita,
        name="Critical care nursing",
        description="Questions and answers about nursing in intensive care.",
        guidelines="Be kind. No patient details. Give sources.",
        topic="Critical care",
    )


@pytest.fixture
def hospital_community(org_admin, hospital) -> Community:  # type: ignore[no-untyped-def]
    return services.community_create(
        actor=org_admin, name="Paediatrics residents", guidelines="", organization=hospital
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return lambda: django_capture_on_commit_callbacks(execute=True)
