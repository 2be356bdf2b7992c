"""Many mentees' requests accepted at once never over-book a mentor. PostgreSQL only, where
rows really lock; SQLite serialises whole transactions and would prove nothing."""

import pytest
from django.db import IntegrityError, connection, transaction

from carementor.lib.testing import add_member, make_user, race
from carementor.matching import services
from carementor.matching.models import MatchRequest
from carementor.programs.models import Enrollment
from carementor.programs.tests.conftest import enroll

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


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
