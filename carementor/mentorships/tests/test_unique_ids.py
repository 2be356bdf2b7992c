"""Pages with several forms give every field its own id, so each label names its field."""

import datetime as dt
import re
from collections import Counter

from django.utils import timezone

from carementor.mentorships.meetings import MeetingData, meeting_schedule
from carementor.mentorships.services import agreement_sign

ID = re.compile(r'\sid="([^"]+)"')


def duplicate_ids(html: str) -> list[str]:
    return [name for name, count in Counter(ID.findall(html)).items() if count > 1]


def test_mentorship_plan_and_meeting_pages_have_unique_ids(login, mentorship, mentor, mentee):
    agreement_sign(mentorship=mentorship, signer=mentor, version=1)
    agreement_sign(mentorship=mentorship, signer=mentee, version=1)
    meeting = meeting_schedule(
        mentorship=mentorship,
        user=mentee,
        data=MeetingData(
            starts_at=timezone.now() + dt.timedelta(days=3), duration_minutes=45, mode="video"
        ),
    )
    client = login(mentee)
    for path in (
        f"/mentorships/{mentorship.code}/",
        f"/mentorships/{mentorship.code}/plan/",
        f"/mentorships/{mentorship.code}/meetings/{meeting.code}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert duplicate_ids(html) == [], path
    plan = client.get(f"/mentorships/{mentorship.code}/plan/").content.decode()
    assert '<label for="id_action_title">Action:</label>' in plan
    assert '<label for="id_title">Goal (specific):</label>' in plan
    page = client.get(f"/mentorships/{mentorship.code}/meetings/{meeting.code}/").content.decode()
    assert 'id="private-body"' in page and 'id="shared-body"' in page
