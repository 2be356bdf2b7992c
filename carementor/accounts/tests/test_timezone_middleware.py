"""Each request shows times in its person's zone, and leaves the thread in the server's."""

import pytest
from django.conf import settings
from django.utils import timezone

from carementor.lib.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_persons_zone_lasts_only_for_their_request(login) -> None:
    person = make_user("zone@example.org", full_name="Zone Person", timezone="Asia/Kolkata")
    client = login(person)
    seen: list[str] = []

    from django.test.signals import template_rendered

    def remember(**_kwargs: object) -> None:
        seen.append(timezone.get_current_timezone_name())

    template_rendered.connect(remember)
    try:
        assert client.get("/settings/account/").status_code == 200
    finally:
        template_rendered.disconnect(remember)
    assert seen and set(seen) == {"Asia/Kolkata"}
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
