"""Validating a timezone does not walk the time zone directories on every call."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from carementor.lib import timezones


def test_known_zones_pass_and_unknown_ones_fail():
    timezones.validate_timezone("Asia/Kolkata")
    timezones.validate_timezone("Europe/London")
    with pytest.raises(ValidationError):
        timezones.validate_timezone("Mars/Olympus_Mons")


def test_the_zone_list_is_read_once(monkeypatch):
    calls: list[int] = []
    real = zoneinfo.available_timezones

    def counting() -> set[str]:
        calls.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    timezones.available_timezones.cache_clear()
    for _ in range(5):
        timezones.validate_timezone("Asia/Kolkata")
    assert len(calls) == 1
    timezones.available_timezones.cache_clear()
