"""Explicit test data for well-being."""

from typing import Any

from carementor.wellbeing.models import CheckIn, SupportContacts
from carementor.wellbeing.services import checkin_take

LOW = [1, 1, 0, 1, 1]  # raw 4, 16 of 100
GOOD = [4, 4, 3, 4, 4]  # raw 19, 76 of 100


def take(user: Any, answers: list[int] | None = None, burnout: int = 2, note: str = "") -> CheckIn:
    return checkin_take(user=user, answers=answers or GOOD, burnout=burnout, note=note)


def set_contacts(organization: Any, **values: str) -> SupportContacts:
    values.setdefault("eap_name", "CareFirst EAP")
    values.setdefault("eap_phone", "1800 123 4567")
    values.setdefault("oh_name", "Staff Health Clinic, Block C")
    values.setdefault("oh_phone", "044 2811 0000")
    return SupportContacts.objects.create(organization=organization, **values)
