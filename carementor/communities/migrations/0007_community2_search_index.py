"""A stored full-text index of posts on each database: on PostgreSQL a GIN index over the very
expression the search filters on (English stemming), on SQLite an FTS5 table (Porter
stemming) kept up to date by triggers, so search reads an index rather than every post."""

from django.db import migrations

FTS_TABLE = "communities_post_fts"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, body, content='communities_post', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER communities_post_fts_insert AFTER INSERT ON communities_post BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER communities_post_fts_delete AFTER DELETE ON communities_post BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    f"CREATE TRIGGER communities_post_fts_update AFTER UPDATE OF title, body "
    f"ON communities_post BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS communities_post_fts_update",
    "DROP TRIGGER IF EXISTS communities_post_fts_delete",
    "DROP TRIGGER IF EXISTS communities_post_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def _pg_index():  # type: ignore[no-untyped-def]
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    # Built from the same expression selectors.posts_in filters on, so the planner uses it.
    return GinIndex(SearchVector("title", "body", config="english"), name="community_post_search")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("communities", "Post"), _pg_index())
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("communities", "Post"), _pg_index())
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("communities", "0006_community2_appeals_held")]

    operations = [migrations.RunPython(forward, backward)]
