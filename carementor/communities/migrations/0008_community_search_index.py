"""A stored full-text index of communities, as 0007 made for posts: on PostgreSQL a GIN index
over the very expression finding a community filters on, on SQLite an FTS5 table kept up to
date by triggers."""

from django.db import migrations

FTS_TABLE = "communities_community_fts"
COLUMNS = "name, description, topic, region"
NEW = "new.id, new.name, new.description, new.topic, new.region"
OLD = "old.id, old.name, old.description, old.topic, old.region"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    f"{COLUMNS}, content='communities_community', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER communities_community_fts_insert AFTER INSERT ON communities_community "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES ({NEW}); END",
    f"CREATE TRIGGER communities_community_fts_delete AFTER DELETE ON communities_community "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS}) "
    f"VALUES ('delete', {OLD}); END",
    f"CREATE TRIGGER communities_community_fts_update AFTER UPDATE OF {COLUMNS} "
    f"ON communities_community BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS}) VALUES ('delete', {OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES ({NEW}); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS communities_community_fts_update",
    "DROP TRIGGER IF EXISTS communities_community_fts_delete",
    "DROP TRIGGER IF EXISTS communities_community_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def _pg_index():  # type: ignore[no-untyped-def]
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    # Built from the same expression selectors.search_communities filters on.
    return GinIndex(
        SearchVector("name", "description", "topic", "region", config="english"),
        name="community_search",
    )


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("communities", "Community"), _pg_index())
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("communities", "Community"), _pg_index())
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("communities", "0007_community2_search_index")]

    operations = [migrations.RunPython(forward, backward)]
