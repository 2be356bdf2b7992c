"""Paging parameters every API list shares, bounded so no number overflows the database."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any real list, far below a 64-bit OFFSET: ?offset=10**20 is a 422, not a 500.
MAX_OFFSET = 10_000_000
MAX_PAGE = 1_000_000


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PageNumberParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)


class BoundedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination, with the page number and size bounded."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=100)
