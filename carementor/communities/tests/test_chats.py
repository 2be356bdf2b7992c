"""Scheduled community chats: live thread, identifier warnings, archive afterwards."""

import datetime as dt
import json

import time_machine
from django.utils import timezone

from carementor.communities.chats import chat_say, chat_schedule
from carementor.communities.models import Chat, ChatMessage
from carementor.communities.permissions import get_community_for
from carementor.communities.tests.helpers import join
from carementor.lib.testing import assert_flat_queries


def live_chat(community, moderator, host):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return chat_schedule(
        get_community_for(moderator, community.code),
        moderator,
        topic="Night shifts and learning",
        host=host,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
    )


def test_a_moderator_schedules_and_members_talk_until_it_ends(login, kavita, meena, open_community):
    join(open_community, meena)
    client = login(kavita)
    start = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        f"/communities/{open_community.code}/chats/",
        {
            "topic": "Preparing for ICU interviews",
            "host": kavita.email,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    chat = Chat.objects.get()
    assert response.status_code == 302 and chat.host == kavita
    assert login(meena).post(f"/communities/chats/{chat.code}/", {"body": "Hi"}).status_code == 409
    with time_machine.travel(chat.starts_at + dt.timedelta(minutes=1)):
        client = login(meena)
        warned = client.post(
            f"/communities/chats/{chat.code}/",
            {"body": "Bed 4, MRN 44556677, keeps desaturating."},
        )
        assert warned.status_code == 422 and "MRN 44556677" in warned.content.decode()
        assert not ChatMessage.objects.exists()
        client.post(f"/communities/chats/{chat.code}/", {"body": "What do panels ask?"})
        thread = client.get(
            f"/communities/chats/{chat.code}/?part=thread", headers={"HX-Request": "true"}
        ).content.decode()
        assert "What do panels ask?" in thread and 'hx-trigger="every 5s"' in thread
    with time_machine.travel(chat.ends_at + dt.timedelta(minutes=1)):
        archive = login(meena).get(f"/communities/chats/{chat.code}/").content.decode()
        assert "Archive" in archive and "What do panels ask?" in archive
        assert "every 5s" not in archive


def test_only_moderators_schedule_and_outsiders_see_nothing(
    login, mentee, outsider, org_admin, hospital_community
):
    join(hospital_community, mentee)
    chat = live_chat(hospital_community, org_admin, org_admin)
    refused = login(mentee).post(
        f"/communities/{hospital_community.code}/chats/",
        {"topic": "x", "host": mentee.email, "starts_at": "", "ends_at": ""},
    )
    assert refused.status_code == 403
    client = login(outsider)
    assert client.get(f"/communities/chats/{chat.code}/").status_code == 404
    assert client.get(f"/api/v1/communities/chats/{chat.code}/messages").status_code == 404
    assert client.get(f"/communities/{hospital_community.code}/chats/").status_code == 404


def test_chats_through_the_api(login, kavita, meena, open_community):
    join(open_community, meena)
    now = timezone.now()
    client = login(kavita)
    created = client.post(
        f"/api/v1/communities/{open_community.code}/chats",
        data=json.dumps(
            {
                "topic": "Sepsis bundles",
                "host": kavita.code,
                "starts_at": (now - dt.timedelta(minutes=1)).isoformat(),
                "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    code = created.json()["code"]
    too_long = client.post(
        f"/api/v1/communities/{open_community.code}/chats",
        data=json.dumps(
            {
                "topic": "Marathon",
                "host": kavita.code,
                "starts_at": now.isoformat(),
                "ends_at": (now + dt.timedelta(hours=9)).isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "invalid_times"
    said = login(meena).post(
        f"/api/v1/communities/chats/{code}/messages",
        data=json.dumps({"body": "Lactate within the hour?"}),
        content_type="application/json",
    )
    assert said.status_code == 201
    thread = login(meena).get(f"/api/v1/communities/chats/{code}/messages").json()
    assert [m["body"] for m in thread["items"]] == ["Lactate within the hour?"]


def test_chat_thread_runs_flat_queries(login, kavita, meena, open_community):
    join(open_community, meena)
    chat = live_chat(open_community, kavita, kavita)
    access = get_community_for(meena, open_community.code)
    client = login(kavita)
    assert_flat_queries(
        lambda: client.get(f"/communities/chats/{chat.code}/"),
        lambda k: [chat_say(access, chat, meena, f"Message {i}") for i in range(k)],
    )


def test_a_held_chat_message_waits_for_a_moderator(login, kavita, meena, mentee, open_community):
    join(open_community, meena)
    join(open_community, mentee)
    chat = live_chat(open_community, kavita, kavita)
    login(meena).post(
        f"/communities/chats/{chat.code}/",
        {"body": "UHID 20231145 is my test number", "confirm_no_identifiers": "on"},
    )
    message = ChatMessage.objects.get()
    assert message.visibility == "held"
    assert "UHID" not in login(mentee).get(f"/communities/chats/{chat.code}/").content.decode()
    refused = login(mentee).post(
        f"/communities/chats/{chat.code}/", {"message": message.code, "action": "approve"}
    )
    assert refused.status_code == 403
    login(kavita).post(
        f"/communities/chats/{chat.code}/", {"message": message.code, "action": "approve"}
    )
    message.refresh_from_db()
    assert message.visibility == "visible"
    assert "UHID" in login(mentee).get(f"/communities/chats/{chat.code}/").content.decode()
