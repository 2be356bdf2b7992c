from unittest import mock

import pytest
from django.db import OperationalError


def test_health_says_the_process_lives_without_asking_the_database(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor:
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    cursor.assert_not_called()


@pytest.mark.django_db
def test_ready_reports_each_service(client):
    response = client.get("/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["queue"]["workers"] == 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_answers_503_naming_the_failed_service(client):
    with mock.patch("carementor.ops.readiness.connections") as conns:
        conns.__getitem__.return_value.cursor.side_effect = OperationalError("down")
        response = client.get("/ready/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {
        "status": "unavailable",
        "error": "OperationalError",
        "ms": checks["database"]["ms"],
    }
    assert checks["cache"]["status"] == "ok"
    assert "down" not in response.content.decode()


def test_privileged_people_without_mfa_can_still_be_health_checked(client, hospital):
    from carementor.lib.testing import make_user
    from carementor.organizations.models import Membership

    admin = make_user("neha@example.org")
    Membership.objects.create(user=admin, organization=hospital, is_admin=True)
    client.force_login(admin)
    assert client.get("/health/").status_code == 200
