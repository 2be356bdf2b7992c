"""A person's pulse answers and team places are in "Download my data" and go with erasure;
the shared issues log keeps the issue they raised."""

import zipfile
from io import BytesIO

from carementor.golive.models import Issue, PulseResponse, TeamMember
from carementor.golive.services import issue_raise
from carementor.golive.tests.helpers import answer, make_golive, make_team, passed_milestone
from carementor.privacy.erasure import erase_person
from carementor.privacy.export import build_zip


def test_export_and_erasure(hospital, coordinator, mentor, mentee):
    golive = make_golive(hospital, coordinator)
    make_team(golive, coordinator, coach=mentor, members=[mentee])
    milestone = passed_milestone(golive, mentor)
    answer(milestone, mentee, 3, "Too many clicks")
    issue_raise(golive=golive, title="Scanner offline", severity="high", actor=mentee)

    archive = zipfile.ZipFile(BytesIO(build_zip(mentee)))
    text = "".join(
        archive.read(name).decode() for name in archive.namelist() if name.endswith(".json")
    )
    assert "Too many clicks" in text and "Scanner offline" in text

    erase_person(mentee)
    assert not PulseResponse.objects.filter(user=mentee).exists()
    assert not TeamMember.objects.filter(user=mentee).exists()
    assert Issue.objects.get().title == "Scanner offline"
