"""Post and community search read a stored index: a GIN index on PostgreSQL, an FTS5 table on SQLite.
Each test runs on its own database and is skipped on the other."""

import pytest
from django.db import connection

from carementor.communities import posting, services
from carementor.communities.models import Community, Post
from carementor.communities.permissions import get_community_for
from carementor.communities.selectors import (
    communities_to_find,
    posts_in,
    search_communities,
    search_posts,
)
from carementor.communities.tests.helpers import join, post


def search(community, user, q):  # type: ignore[no-untyped-def]
    access = get_community_for(user, community.code)
    return sorted(p.title for p in posts_in(access, user, q=q))


def written(community, meena, kavita):  # type: ignore[no-untyped-def]
    join(community, meena)
    trial = post(
        community,
        meena,
        title="Breathing trials",
        body="When do you retry a spontaneous breathing trial?",
    )
    post(community, kavita, title="Honey dressings", body="Do they heal pressure injuries?")
    return trial


def test_postgresql_search_uses_the_gin_index(meena, kavita, open_community):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index; SQLite has its own test")
    trial = written(open_community, meena, kavita)
    assert search(open_community, meena, "trial") == ["Breathing trials"]
    assert search(open_community, meena, "healing injury") == ["Honey dressings"]
    access = get_community_for(meena, open_community.code)
    # The filter posts_in applies, alone: on a few rows the planner may prefer the community
    # index, so seq scans are off and only an index that matches the expression can serve.
    searched = search_posts(Post.objects.only("id").order_by(), "trial")
    plan_sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'community_post_search'")
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "to_tsvector" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {plan_sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "community_post_search" in plan
    edit = posting.Draft(title="Weaning from ventilation", body="Daily weaning checks.")
    posting.post_edit(access, trial, meena, edit)
    assert search(open_community, meena, "weaning") == ["Weaning from ventilation"]
    assert search(open_community, meena, "breathing") == []


def test_sqlite_search_reads_the_fts5_table_kept_up_to_date(meena, kavita, open_community):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table; PostgreSQL has its own test")
    trial = written(open_community, meena, kavita)
    assert search(open_community, meena, "trial") == ["Breathing trials"]  # Porter stemming
    assert search(open_community, meena, "breath retry") == ["Breathing trials"]  # prefixes
    assert search(open_community, meena, 'heal" OR "trial') == []  # no FTS5 syntax from people
    access = get_community_for(meena, open_community.code)
    plan_sql, params = posts_in(access, meena, q="trial").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {plan_sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "communities_post_fts VIRTUAL TABLE INDEX" in plan
    edit = posting.Draft(title="Weaning from ventilation", body="Daily weaning checks.")
    posting.post_edit(access, trial, meena, edit)
    assert search(open_community, meena, "weaning") == ["Weaning from ventilation"]
    assert search(open_community, meena, "breathing") == []
    trial.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM communities_post_fts WHERE communities_post_fts MATCH 'weaning'"
        )
        assert cursor.fetchone() == (0,)


def find(user, q):  # type: ignore[no-untyped-def]
    return [c.name for c in communities_to_find(user, q=q)]


def more_communities(kavita):  # type: ignore[no-untyped-def]
    services.community_create(
        actor=kavita,
        name="Nursing informatics",
        description="Electronic records, barcode medication administration and telehealth.",
        guidelines="Be kind.",
        topic="Digital health",
        region="India",
    )


def test_postgresql_community_search_uses_its_gin_index(meena, kavita, open_community):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index; SQLite has its own test")
    more_communities(kavita)
    assert find(meena, "telehealth") == ["Nursing informatics"]
    assert find(meena, "intensive") == ["Critical care nursing"]
    assert sorted(find(meena, "nursing")) == ["Critical care nursing", "Nursing informatics"]
    searched = search_communities(Community.objects.only("id").order_by(), "india")
    plan_sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {plan_sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "community_search" in plan


def test_sqlite_community_search_reads_its_fts5_table(meena, kavita, open_community):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table; PostgreSQL has its own test")
    more_communities(kavita)
    assert find(meena, "telehealth") == ["Nursing informatics"]
    assert find(meena, "informat") == ["Nursing informatics"]  # a word begun is enough
    assert sorted(find(meena, "nursing")) == ["Critical care nursing", "Nursing informatics"]
    assert find(meena, 'india" OR "care') == []  # no FTS5 syntax from people
    plan_sql, params = communities_to_find(meena, q="india").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {plan_sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "communities_community_fts VIRTUAL TABLE INDEX" in plan
    open_community.description = "Ventilation and sedation in the ICU."
    open_community.save(update_fields=["description"])
    assert find(meena, "sedation") == ["Critical care nursing"]
    assert find(meena, "intensive") == []
