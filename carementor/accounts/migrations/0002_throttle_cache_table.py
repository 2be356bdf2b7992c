import io
from typing import Any

from django.db import migrations

# The table of the database cache that login throttling uses when there is no Redis
# (settings.CACHES["throttle"]); the same table `manage.py createcachetable` would make.
TABLE = "carementor_throttle_cache"


def create(apps: Any, schema_editor: Any) -> None:
    from django.core.management.commands.createcachetable import Command

    command = Command(stdout=io.StringIO())
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
