"""Many mentees' requests accepted at once never over-book a mentor. PostgreSQL only, where
rows really lock; SQLite serialises whole transactions and would prove nothing."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction

from carementor.lib.testing import add_member, make_user
from carementor.matching import services
from carementor.matching.models import MatchRequest
from carementor.programs.models import Enrollment
from carementor.programs.tests.conftest import enroll

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_accepts_respect_capacity(program, cohort, hospital):
    vikram = cohort["vikram"]
    Enrollment.objects.filter(user=vikram).update(capacity=2)
    requests = []
    for i in range(6):
        mentee = make_user(f"m{i}@example.org", full_name=f"Mentee {i}")
        add_member(mentee, hospital)
        enroll(program, mentee, "mentee")
        requests.append(
            services.request_send(program=program, mentee=mentee, mentor=vikram, note="Please")
        )
    results = race(
        *[(lambda r=r: services.request_accept(match_request=r, actor=vikram)) for r in requests]
    )
    accepted = [r for r in results if isinstance(r, MatchRequest)]
    refused = [r for r in results if isinstance(r, services.MatchError)]
    assert len(accepted) == 2, results
    assert len(refused) == 4 and {e.code for e in refused} == {"full"}
    assert MatchRequest.objects.filter(status="accepted").count() == 2
    assert Enrollment.objects.get(user=vikram).seats_taken == 2


def test_the_database_refuses_overbooking_even_without_the_lock(program, cohort):
    seat = Enrollment.objects.get(user=cohort["vikram"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=seat.pk).update(seats_taken=seat.capacity + 1)
