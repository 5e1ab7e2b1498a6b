from typing import Any

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

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # DRF's own says `nullable` (OpenAPI 3.0); the document is 3.1, where null is a type.
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


class TreePagination(KeysetPagination):
    """Places in tree order (the materialized path is unique): parents before children."""

    ordering = "path"
