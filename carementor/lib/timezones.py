import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def available_timezones() -> frozenset[str]:
    """zoneinfo.available_timezones() walks the time zone directories on every call (several
    milliseconds); the set does not change while the process runs."""
    return frozenset(zoneinfo.available_timezones())


@cache
def timezone_names() -> list[str]:
    return sorted(available_timezones() - {"localtime", "Factory"})


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a known timezone."), params={"value": value})
