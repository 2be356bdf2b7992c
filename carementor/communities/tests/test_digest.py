"""The daily digest: chosen per community, one notification a person a day, never twice."""

import io
import json
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from carementor.communities import services
from carementor.communities.digest import digests_send
from carementor.communities.models import Member
from carementor.communities.tests.helpers import join, post
from carementor.notifications.models import Notification
from carementor.ops.schedule import SCHEDULE


def test_one_digest_a_day_lists_new_posts_of_chosen_communities(
    login, meena, kavita, mentee, open_community
):
    second = services.community_create(actor=kavita, name="Wound care", guidelines="Be kind.")
    quiet = services.community_create(actor=kavita, name="Quiet corner", guidelines="Be kind.")
    for community in (open_community, second, quiet):
        join(community, meena)
    client = login(meena)
    client.post(f"/communities/{open_community.code}/membership/", {"action": "digest_on"})
    answer = client.generic(
        "POST",
        f"/api/v1/communities/{second.code}/digest",
        json.dumps({"digest": True}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["digest"] is True
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=2)):
        post(open_community, kavita, title="Too old for the digest")
    post(open_community, kavita, title="Sedation holds")
    post(second, kavita, title="Honey dressings")
    post(quiet, kavita, title="Not chosen")
    post(open_community, meena, title="My own post")
    with time_machine.travel(start + timedelta(minutes=1)):
        assert digests_send() == 1
        assert digests_send() == 0  # a second run the same day
    (digest,) = Notification.objects.filter(recipient=meena, kind="community_digest")
    titles = [p["title"] for p in digest.context["posts"]]
    assert sorted(titles) == ["Honey dressings", "Sedation holds"]
    assert digest.title == "2 new posts in your communities"
    assert not Notification.objects.filter(kind="community_digest").exclude(recipient=meena)
    with time_machine.travel(start + timedelta(days=1, hours=1)):
        post(second, kavita, title="Next day")
        call_command("communities_digest", stdout=io.StringIO())
    latest = Notification.objects.filter(recipient=meena, kind="community_digest").latest("id")
    assert [p["title"] for p in latest.context["posts"]] == ["Next day"]
    client.post(f"/communities/{second.code}/membership/", {"action": "digest_off"})
    assert list(
        Member.objects.filter(user=meena, digest=True).values_list("community", flat=True)
    ) == [open_community.pk]


def test_the_digest_is_a_scheduled_duty():
    assert "communities_digest" in {duty.command for duty in SCHEDULE}


def test_an_outsider_cannot_turn_on_a_digest(login, outsider, hospital_community):
    answer = login(outsider).generic(
        "POST",
        f"/api/v1/communities/{hospital_community.code}/digest",
        json.dumps({"digest": True}),
        content_type="application/json",
    )
    assert answer.status_code == 404
