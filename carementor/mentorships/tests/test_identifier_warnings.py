"""Goals and meeting notes warn about patient identifiers, as messages do: the author edits
the text or confirms it identifies nobody — on the page and in the API."""

import json
from datetime import timedelta

from django.utils import timezone

from carementor.mentorships.meetings import MeetingData, meeting_schedule
from carementor.mentorships.models import Goal, PrivateNote, SharedNote

MRN_TEXT = "Review Mr Rajesh Kumar, MRN 12345678, before the audit."


def call(client, method: str, url: str, body: object):  # type: ignore[no-untyped-def]
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def a_meeting(mentorship, mentee):  # type: ignore[no-untyped-def]
    return meeting_schedule(
        mentorship=mentorship,
        user=mentee,
        data=MeetingData(
            starts_at=timezone.now() + timedelta(days=2), duration_minutes=45, mode="video"
        ),
    )


def test_a_goal_with_an_mrn_is_warned_about_then_confirmed(login, mentorship, mentee):
    client = login(mentee)
    url = f"/mentorships/{mentorship.code}/plan/goals/"
    data = {"title": "Present a case at the audit", "why": MRN_TEXT, "measure": ""}
    warned = client.post(url, data)
    page = warned.content.decode()
    assert warned.status_code == 422
    assert "This may identify a patient" in page and "MRN 12345678" in page
    assert 'type="checkbox" name="confirm_no_identifiers"' in page
    assert not Goal.objects.exists()
    data["why"] = "Learn to present a case to the department."
    assert client.post(url, data).status_code == 302
    api = f"/api/v1/mentorships/{mentorship.code}/goals"
    refused = call(client, "POST", api, {"title": "Follow up pt Lakshmi Devi"})
    assert refused.status_code == 422 and refused.json()["code"] == "patient_identifiers"
    assert refused.json()["errors"][0]["kind"] == "name"
    confirmed = call(
        client,
        "POST",
        api,
        {"title": "Follow up pt Lakshmi Devi", "confirm_no_identifiers": True},
    )
    assert confirmed.status_code == 201
    assert Goal.objects.count() == 2


def test_meeting_notes_warn_and_keep_the_text(login, mentorship, mentor, mentee):
    meeting = a_meeting(mentorship, mentee)
    client = login(mentor)
    base = f"/mentorships/{mentorship.code}/meetings/{meeting.code}"
    warned = client.post(f"{base}/notes/", {"version": 0, "body": MRN_TEXT})
    page = warned.content.decode()
    assert warned.status_code == 422 and "MRN 12345678" in page
    assert "Review Mr Rajesh Kumar" in page  # the unsaved text is still in the box
    assert not SharedNote.objects.filter(meeting=meeting).exclude(body="").exists()
    client.post(f"{base}/notes/", {"version": 0, "body": MRN_TEXT, "confirm_no_identifiers": "on"})
    assert SharedNote.objects.get(meeting=meeting).body == MRN_TEXT

    private = client.post(f"{base}/private-note/", {"body": "Call 9876543210 about pt Rao."})
    assert private.status_code == 422 and "This may identify a patient" in private.content.decode()
    assert not PrivateNote.objects.exists()

    api = f"/api/v1/mentorships/{mentorship.code}/meetings/{meeting.code}"
    refused = call(client, "PUT", f"{api}/private-note", {"body": MRN_TEXT})
    assert refused.status_code == 422 and refused.json()["code"] == "patient_identifiers"
    saved = call(
        client, "PUT", f"{api}/private-note", {"body": MRN_TEXT, "confirm_no_identifiers": True}
    )
    assert saved.status_code == 200 and PrivateNote.objects.get().body == MRN_TEXT
    shared = call(
        client, "PUT", f"{api}/notes", {"body": "Pt Anil Sharma again", "base_version": 1}
    )
    assert shared.status_code == 422 and shared.json()["code"] == "patient_identifiers"
    assert SharedNote.objects.get(meeting=meeting).version == 1


def a_goal(client, mentorship):  # type: ignore[no-untyped-def]
    url = f"/api/v1/mentorships/{mentorship.code}/goals"
    return call(client, "POST", url, {"title": "Lead the sepsis audit"}).json()["code"]


def test_a_progress_note_with_an_mrn_is_warned_about_then_confirmed(login, mentorship, mentee):
    client = login(mentee)
    goal_code = a_goal(client, mentorship)
    url = f"/mentorships/{mentorship.code}/plan/goals/{goal_code}/progress/"
    warned = client.post(url, {"progress": 40, "note": MRN_TEXT})
    page = warned.content.decode()
    assert warned.status_code == 422
    assert "This may identify a patient" in page and "MRN 12345678" in page
    assert 'id="progress-identifier-warning"' in page
    assert f'value="{MRN_TEXT}"' in page  # the note stays in its box
    goal = Goal.objects.get(code=goal_code)
    assert goal.progress == 0 and not goal.history.exclude(note="").exists()
    confirmed = client.post(url, {"progress": 40, "note": MRN_TEXT, "confirm_no_identifiers": "on"})
    assert confirmed.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 40 and goal.history.filter(note=MRN_TEXT).exists()

    api = f"/api/v1/mentorships/{mentorship.code}/goals/{goal_code}/progress"
    refused = call(client, "POST", api, {"progress": 60, "note": "Call pt Anil on 9876543210"})
    assert refused.status_code == 422 and refused.json()["code"] == "patient_identifiers"
    assert refused.json()["errors"][0]["loc"] == ["note"]
    clean = call(client, "POST", api, {"progress": 60, "note": "Drafted the audit tool."})
    assert clean.status_code == 200 and clean.json()["progress"] == 60


def test_an_action_item_naming_a_patient_is_warned_about(login, mentorship, mentor, mentee):
    client = login(mentee)
    url = f"/mentorships/{mentorship.code}/plan/actions/"
    data = {"title": "Chase MRN 12345678 discharge summary", "owner": mentee.code}
    warned = client.post(url, data)
    page = warned.content.decode()
    assert warned.status_code == 422 and 'id="item-identifier-warning"' in page
    assert 'type="checkbox" name="confirm_no_identifiers"' in page
    assert not mentorship.action_items.exists()
    assert client.post(url, {**data, "confirm_no_identifiers": "on"}).status_code == 302
    assert mentorship.action_items.count() == 1

    api = f"/api/v1/mentorships/{mentorship.code}/action-items"
    body = {"title": "Phone Mrs Sunita Rao about her results", "owner": mentor.code}
    refused = call(client, "POST", api, body)
    assert refused.status_code == 422 and refused.json()["code"] == "patient_identifiers"
    assert mentorship.action_items.count() == 1
    assert call(client, "POST", api, {**body, "confirm_no_identifiers": True}).status_code == 201


def test_an_agenda_item_with_a_patient_is_warned_about_in_place(login, mentorship, mentee):
    meeting = a_meeting(mentorship, mentee)
    client = login(mentee)
    url = f"/mentorships/{mentorship.code}/meetings/{meeting.code}/agenda/"
    text = "Discuss pt Ramesh Gupta, UHID 44556677"
    warned = client.post(url, {"text": text}, headers={"HX-Request": "true"})
    page = warned.content.decode()
    # htmx swaps the agenda: the warning, the kept text and the box come back in it.
    assert warned.status_code == 200 and 'id="agenda-identifier-warning"' in page
    assert f'value="{text}"' in page and 'name="confirm_no_identifiers"' in page
    assert not meeting.agenda_items.exists()
    plain = client.post(url, {"text": text})
    assert plain.status_code == 422 and "This may identify a patient" in plain.content.decode()
    client.post(url, {"text": text, "confirm_no_identifiers": "on"}, headers={"HX-Request": "true"})
    assert meeting.agenda_items.get().text == text

    api = f"/api/v1/mentorships/{mentorship.code}/meetings/{meeting.code}/agenda"
    refused = call(client, "POST", api, {"text": "Mrs Kavita Nair's MRN 99887766"})
    assert refused.status_code == 422 and refused.json()["code"] == "patient_identifiers"
    assert refused.json()["errors"][0]["loc"] == ["text"]
    assert call(client, "POST", api, {"text": "Audit plan for next month"}).status_code == 201
