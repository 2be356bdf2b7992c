from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    """Rows without a person actor kept a label or a typed-in address: labels move to
    actor_label; an address that belongs to an account becomes the event's subject."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    User = apps.get_model("accounts", "User")
    users = dict(User.objects.values_list("email", "pk"))
    for event in AuditEvent.objects.filter(actor__isnull=True).exclude(actor_email=""):
        if "@" in event.actor_email:
            pk = users.get(event.actor_email.lower())
            AuditEvent.objects.filter(pk=event.pk).update(subject_id=pk)
        else:
            AuditEvent.objects.filter(pk=event.pk).update(actor_label=event.actor_email[:80])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_pseudonymous_actors")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
