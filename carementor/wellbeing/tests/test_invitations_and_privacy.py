"""The monthly invitation, the person's preference, export and erasure, and the signpost
shown to the writer of a worrying message."""

import datetime as dt
import json
import zipfile
from io import BytesIO, StringIO

import time_machine
from django.core.management import call_command

from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.notifications.models import Notification
from carementor.privacy.erasure import erase_person
from carementor.privacy.export import build_zip
from carementor.wellbeing.models import CheckIn, Preference, SharedSummary
from carementor.wellbeing.services import summary_share
from carementor.wellbeing.tests.helpers import take


def invite() -> str:
    out = StringIO()
    call_command("wellbeing_invite", stdout=out)
    return out.getvalue()


def test_members_are_invited_once_a_month_unless_they_opted_out(login, mentee, mentor, coordinator):
    login(coordinator).post("/wellbeing/preferences/", {})  # unticked: no invitations
    assert not Preference.objects.get(user=coordinator).monthly_invitation
    take(mentor)  # checked in recently: not invited
    assert invite() == "Invited 1 people to a well-being check-in.\n"
    invited = Notification.objects.filter(kind="wellbeing_invitation")
    assert [n.recipient for n in invited] == [mentee]
    assert invited.get().url == "/wellbeing/check-in/"
    assert invite() == "Invited 0 people to a well-being check-in.\n"  # safe to run again
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        assert invite() == "Invited 2 people to a well-being check-in.\n"
    assert not invited.filter(recipient=coordinator).exists()


def test_the_preference_through_the_api(login, mentee):
    client = login(mentee)
    assert client.get("/api/v1/wellbeing/preferences").json() == {"monthly_invitation": True}
    response = client.put(
        "/api/v1/wellbeing/preferences",
        {"monthly_invitation": False},
        content_type="application/json",
    )
    assert response.json() == {"monthly_invitation": False}


def test_my_export_holds_my_check_ins_and_erasure_removes_them(hospital, mentor, mentee):
    take(mentee, note="only mine")
    summary_share(owner=mentee, mentorship=make_mentorship(make_program(hospital), mentor, mentee))
    Preference.objects.create(user=mentee)
    take(mentor)
    archive = zipfile.ZipFile(BytesIO(build_zip(mentee)))
    checkins = json.loads(archive.read("wellbeing_checkins.json"))
    assert [c["note"] for c in checkins] == ["only mine"]
    assert len(json.loads(archive.read("wellbeing_shared_summaries.json"))) == 1
    erase_person(mentee)
    assert not CheckIn.objects.filter(user=mentee).exists()
    assert not SharedSummary.objects.exists() and not Preference.objects.exists()
    assert CheckIn.objects.filter(user=mentor).exists()


def test_a_worrying_message_shows_its_writer_a_gentle_signpost(login, hospital, mentor, mentee):
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    client = login(mentee)
    url = f"/mentorships/{mentorship.code}/messages/"
    html = client.post(url, {"body": "Honestly I feel hopeless this week"}, follow=True)
    text = html.content.decode()
    assert "you do not have to carry them alone" in text
    assert 'href="/wellbeing/support/"' in text
    calm = client.post(url, {"body": "See you on Thursday"}, follow=True).content.decode()
    assert "you do not have to carry them alone" not in calm
