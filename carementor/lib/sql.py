"""Small query expressions shared by list pages that compute their figures in the database."""

from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet[Any], *, by: str) -> Coalesce:
    """``COUNT(*)`` of a correlated ``queryset`` as a column, 0 when it has no rows.

    ``queryset`` filters on ``OuterRef(...)``; ``by`` names its field that the filter pins to
    one value (for example ``"mentorship"``), so the subquery groups to a single row. Unlike
    ``Count`` over joins, several of these on one row never multiply each other, and the
    database evaluates them only for the rows it returns."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
