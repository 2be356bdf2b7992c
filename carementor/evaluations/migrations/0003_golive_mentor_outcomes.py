"""Ship the mentor outcome survey: load_instruments is idempotent, so it adds the new
instrument (instruments/mentor-outcomes.json) and leaves the others as they are."""

from typing import Any

from django.db import migrations

from carementor.evaluations.instruments import load_instruments


def unload_mentor_outcomes(apps: Any, schema_editor: Any) -> None:
    Instrument = apps.get_model("evaluations", "Instrument")
    Instrument.objects.filter(organization=None, slug="mentor-outcomes", responses=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_shipped_instruments"),
    ]

    operations = [
        migrations.RunPython(load_instruments, unload_mentor_outcomes, elidable=False),
    ]
