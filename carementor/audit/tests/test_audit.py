import pytest
from django.test import RequestFactory, override_settings

from carementor.audit.models import AuditEvent
from carementor.audit.services import client_ip, record


def test_events_are_append_only(db, mentee):
    event = record(mentee, "test.happened", mentee)
    # The row points to the person and copies neither their address nor their name.
    assert (event.actor, event.subject, event.actor_label) == (mentee, mentee, "")
    assert "asha" not in str(event).lower() + str(event.detail)
    assert event.target_type == "accounts.user" and event.target_id == mentee.code
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_client_ip_is_the_peer_without_a_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_client_ip_behind_one_trusted_proxy_ignores_spoofed_hops():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"


def test_postgresql_refuses_update_and_delete_on_audit_rows(db, mentee):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    event = record(mentee, "test.happened", mentee)
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"
