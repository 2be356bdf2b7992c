from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_it_reports_a_healthy_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_when_the_database_fails(client):
    with mock.patch("carementor.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert "down" not in response.content.decode()


@pytest.mark.django_db
def test_it_answers_503_when_the_query_fails(client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = OperationalError("locked")
    with mock.patch("carementor.views.connection.cursor", return_value=cursor):
        response = client.get("/health/")
    assert response.status_code == 503


def test_privileged_people_without_mfa_can_still_be_health_checked(client, hospital):
    from carementor.lib.testing import make_user
    from carementor.organizations.models import Membership

    admin = make_user("neha@example.org")
    Membership.objects.create(user=admin, organization=hospital, is_admin=True)
    client.force_login(admin)
    assert client.get("/health/").status_code == 200
