"""Fixtures for the accounts tests."""

import pytest
from django.core.cache import cache

from carementor.accounts.models import User
from carementor.accounts.services import token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps rate-limit counters in the cache, which outlives a test otherwise.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bearer():  # type: ignore[no-untyped-def]
    """bearer(user) creates a token and returns the Authorization header for the client."""

    def _bearer(user: User, name: str = "test script") -> dict[str, str]:
        _token, raw = token_create(user, name)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return _bearer
