"""Load the instruments CareMentor ships from carementor/evaluations/instruments/*.json."""

from django.db import migrations

from carementor.evaluations.instruments import load_instruments, unload_instruments


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_instruments, unload_instruments, elidable=False),
    ]
