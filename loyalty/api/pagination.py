"""The contract's list shape: ``{"next": url|null, "previous": url|null, "results": [...]}``."""

from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class _CappedPageSize:
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }


class NewestFirstPagination(_CappedPageSize, PageNumberPagination):
    """Page-number pagination, newest first (the queryset's ordering)."""


class LedgerCursorPagination(_CappedPageSize, CursorPagination):
    """Cursor pagination for ledger-like lists: pages stay stable while rows arrive."""

    ordering = ("-created_at", "-id")
