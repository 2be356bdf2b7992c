"""Demo provisioning: the hospital has a SCIM token, provisioned staff, groups and a leaver."""

import pytest

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.demo.integrations import seed_integrations
from carementor.demo.organizations import seed_organizations
from carementor.integrations.models import ScimGroup, ScimToken, ScimUser, WebhookEndpoint
from carementor.organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_the_hospital_gets_a_token_people_groups_and_a_leaver_once() -> None:
    from carementor.lib.testing import add_member, make_user

    organizations = seed_organizations()
    hospital = organizations["indus-ims"]
    add_member(make_user("rohan@example.org", full_name="Rohan Iyer"), hospital, "admin")

    assert seed_integrations(organizations=organizations) == 4
    assert seed_integrations(organizations=organizations) == 0

    assert ScimToken.objects.filter(organization=hospital).count() == 1
    assert ScimUser.objects.filter(organization=hospital, active=True).count() == 3
    leaver = ScimUser.objects.get(organization=hospital, active=False)
    assert not User.objects.get(pk=leaver.user_id).is_active
    mentors = ScimGroup.objects.get(organization=hospital, role="mentor")
    assert mentors.members.count() == 2
    meera = Membership.objects.get(
        organization=hospital, user__email="meera.pillai@staff.indus-ims.example"
    )
    assert meera.is_mentor
    assert AuditEvent.objects.filter(action="scim.user_deprovisioned").count() == 1
    endpoint = WebhookEndpoint.objects.get(organization=hospital)
    assert sorted(endpoint.deliveries.values_list("status", flat=True)) == [
        "failed",
        "succeeded",
    ]


def test_the_hospital_gets_an_hr_feed_with_an_applied_run_and_one_waiting_once() -> None:
    from carementor.demo.hr_feeds import seed_hr_feeds
    from carementor.integrations.models import HrFeed, HrFeedPerson
    from carementor.lib.testing import add_member, make_user

    organizations = seed_organizations()
    hospital = organizations["indus-ims"]
    add_member(make_user("rohan@example.org", full_name="Rohan Iyer"), hospital, "admin")

    assert seed_hr_feeds(organizations=organizations) == 1
    assert seed_hr_feeds(organizations=organizations) == 0

    feed = HrFeed.objects.get(organization=hospital)
    assert list(feed.runs.order_by("created_at", "id").values_list("status", flat=True)) == [
        "applied",
        "ready",
    ]
    waiting = feed.runs.get(status="ready")
    assert (waiting.joiner_count, waiting.change_count, waiting.leaver_count) == (1, 1, 1)
    assert HrFeedPerson.objects.filter(feed=feed, active=True).count() == 3
    assert Membership.objects.get(
        organization=hospital, user__email="lakshmi.nair@staff.indus-ims.example"
    ).is_mentor


def test_vikram_gets_a_calendar_with_busy_mornings_once() -> None:
    from carementor.demo.calendars import seed_calendars
    from carementor.integrations.models import BusyBlock, CalendarSubscription
    from carementor.lib.testing import make_user

    vikram = make_user("vikram@example.org", full_name="Vikram Mehta", timezone="Asia/Kolkata")

    assert seed_calendars() == 1
    assert seed_calendars() == 0

    subscription = CalendarSubscription.objects.get(user=vikram)
    blocks = BusyBlock.objects.filter(subscription=subscription)
    assert 15 <= blocks.count() <= 20
    assert all((b.ends_at - b.starts_at).total_seconds() == 4 * 3600 for b in blocks)
