"""Two reviewers deciding at once produce exactly one decision."""

import threading

import pytest
from django.db import connection, connections

from carementor.credentials import services
from carementor.credentials.models import Credential, ReviewEvent
from carementor.credentials.services import CredentialError
from carementor.credentials.tests.helpers import add_evidence, all_ticked, make_credential


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_make_one_decision(hospital, mentor, reviewer, second_reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")
    credential = make_credential(mentor, hospital)
    add_evidence(credential)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(who, decision, reason):
        try:
            barrier.wait()
            services.credential_decide(
                credential=Credential.objects.get(pk=credential.pk),
                reviewer=who,
                decision=decision,
                reason=reason,
                checklist=all_ticked(),
            )
            outcomes.append("decided")
        except CredentialError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(reviewer, "verify", "")),
        threading.Thread(target=decide, args=(second_reviewer, "reject", "Name does not match.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_decided", "decided"] or sorted(outcomes) == [
        "decided",
        "pending_second_review",
    ]
    decisions = ReviewEvent.objects.filter(
        credential=credential, action__in=["verified", "rejection_proposed"]
    )
    assert decisions.count() == 1
