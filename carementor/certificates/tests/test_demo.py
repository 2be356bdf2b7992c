"""The certificates demo step: rules, Asha's and Vikram's certificates, a revoked one, CPD
logs with a manual entry; deterministic, fast and safe to run twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from carementor.certificates.models import Certificate, CompletionRule, CpdEntry
from carementor.demo.certificates import seed_certificates
from carementor.demo.organizations import seed_organizations


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_certificates(client):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(), users=60, seed=3)
    asha = Certificate.objects.get(holder__email="asha@example.org")
    assert asha.role == "mentee" and asha.is_valid and asha.cpd_hours > 0
    vikram = Certificate.objects.get(holder__email="vikram@example.org")
    assert vikram.role == "mentor" and vikram.program == asha.program
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert CpdEntry.objects.filter(is_void=True).count() == 1
    assert CpdEntry.objects.filter(source="manual", user__email="asha@example.org").exists()
    assert CompletionRule.objects.filter(role="mentee").exists()
    before = (Certificate.objects.count(), CpdEntry.objects.count(), CompletionRule.objects.count())
    seed_certificates(organizations=seed_organizations(), seed=3)
    after = (Certificate.objects.count(), CpdEntry.objects.count(), CompletionRule.objects.count())
    assert after == before
    # The scheduled run agrees with the demo: nothing the rules allow is missing.
    out = StringIO()
    call_command("certificates_issue", stdout=out)
    assert "issued 0 certificate(s)" in out.getvalue()
    client.force_login(asha.holder)
    assert asha.code in client.get("/certificates/").content.decode()
    assert client.get(f"/certificates/verify/{asha.code}/").status_code == 200
