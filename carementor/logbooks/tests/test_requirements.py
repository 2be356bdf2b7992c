"""Programme managers require N signed-off entries per competency; participants see progress."""

import pytest
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.logbooks.models import Requirement
from carementor.logbooks.services import entry_decide, entry_log
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.profiles.models import Competency
from carementor.programs.models import Enrollment


@pytest.fixture
def program(hospital, mentor, mentee):  # type: ignore[no-untyped-def]
    program = make_program(hospital)
    make_mentorship(program, mentor, mentee)
    Enrollment.objects.create(
        program=program, user=mentee, role="mentee", status=Enrollment.Status.APPROVED
    )
    return program


def test_a_coordinator_sets_a_rule_and_the_mentee_sees_her_progress(
    login, coordinator, mentee, mentor, program
):
    client = login(coordinator)
    url = f"/logbooks/programs/{program.code}/requirements/"
    response = client.post(url, {"competency": "point-of-care-ultrasound", "signed_entries": "2"})
    assert response.status_code == 302
    rule = Requirement.objects.get()
    assert rule.signed_entries == 2
    assert AuditEvent.objects.filter(action="logbook.requirement.set").exists()
    assert client.post(url, {"competency": "ehr-use", "signed_entries": "0"}).status_code == 422

    pocus = Competency.objects.get(code="point-of-care-ultrasound")
    for _ in range(2):
        entry = entry_log(
            user=mentee,
            competency=pocus,
            activity="FAST scan",
            performed_on=timezone.localdate(),
            level=2,
            observer=mentor,
        )
    entry_decide(entry=entry, observer=mentor, sign=True, observed_level=3)
    client.force_login(mentee)
    assert "1 of 2 signed off" in client.get("/logbooks/").content.decode()
    mine = client.get("/api/v1/logbooks/requirements").json()
    assert mine == [
        {
            "program": program.name,
            "competency": "point-of-care-ultrasound",
            "name": pocus.name,
            "needed": 2,
            "signed": 1,
            "met": False,
        }
    ]

    client.force_login(coordinator)
    listed = client.get(f"/api/v1/logbooks/programs/{program.code}/requirements").json()
    assert [r["code"] for r in listed] == [rule.code]
    put = client.put(
        f"/api/v1/logbooks/programs/{program.code}/requirements",
        {"competency": "point-of-care-ultrasound", "signed_entries": 1},
        content_type="application/json",
    )
    assert put.status_code == 200 and Requirement.objects.get().signed_entries == 1
    deleted = client.delete(f"/api/v1/logbooks/programs/{program.code}/requirements/{rule.code}")
    assert deleted.status_code == 204 and not Requirement.objects.exists()


def test_participants_get_403_and_outsiders_404(login, mentee, outsider, program):
    client = login(mentee)
    assert client.get(f"/logbooks/programs/{program.code}/requirements/").status_code == 403
    body = {"competency": "ehr-use", "signed_entries": 2}
    response = client.put(
        f"/api/v1/logbooks/programs/{program.code}/requirements",
        body,
        content_type="application/json",
    )
    assert response.status_code == 403
    client.force_login(outsider)
    assert client.get(f"/logbooks/programs/{program.code}/requirements/").status_code == 404
    response = client.put(
        f"/api/v1/logbooks/programs/{program.code}/requirements",
        body,
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Requirement.objects.exists()
