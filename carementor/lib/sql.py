"""Small query expressions shared by list pages that compute their figures in the database."""

from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet[Any], *, by: str) -> Coalesce:
    """``COUNT(*)`` of a correlated ``queryset`` as a column, 0 when it has no rows.

    ``queryset`` filters on ``OuterRef(...)``; ``by`` names its field that the filter pins to
    one value (for example ``"mentorship"``), so the subquery groups to a single row. Unlike
    ``Count`` over joins, several of these on one row never multiply each other, and the
    database evaluates them only for the rows it returns."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def ids_in(ids: list[int]) -> list[int] | RawSQL:
    """A value for ``pk__in=`` (or ``…_id__in=``) over thousands of ids.

    On PostgreSQL the ids travel as one array parameter (``IN (SELECT unnest(…))``): Django
    binds parameters on the client, so 5,000 separate ones cost more to quote than the query
    takes to run (about three times the whole query's time). Elsewhere, the plain list."""
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
