"""Load the controlled vocabularies (professions, career stages, specialties with NUCC codes,
competencies, languages, countries) from carementor/profiles/data/*.json."""

from django.db import migrations

from carementor.profiles.data import load_vocabularies, unload_vocabularies


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_vocabularies, unload_vocabularies, elidable=False),
    ]
