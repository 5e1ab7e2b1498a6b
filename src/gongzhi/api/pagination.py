from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination: constant cost per page at any depth, no COUNT.

    The response is {"next": url|null, "previous": url|null, "results": [...]}; follow `next`
    until it is null. A cursor is opaque: tampered ones are answered with 404 (`not_found`).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"


class TreePagination(KeysetPagination):
    """Places in tree order (the materialized path is unique): parents before children."""

    ordering = "path"
