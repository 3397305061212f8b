"""
The contract's list shape: ``{"next": url|null, "previous": url|null, "results": [...]}``.

Cursor-paginated lists also answer ``next_cursor`` and ``previous_cursor``: the
``cursor`` of those links, which a client passes back as ``?cursor=`` without
parsing a URL (the links keep working as before).
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from loyalty.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DIGITS = re.compile(r"[0-9]+")


class _CappedPageSize:
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        """
        ``?page_size=``: absent or empty means the default; larger than the
        maximum is capped; anything but a positive integer is 400 (DRF would
        silently use the default, hiding a client's mistake).
        """
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        significant = raw.lstrip("0") if DIGITS.fullmatch(raw) else None
        if not significant:
            raise ValidationFailed.on(self.page_size_query_param, "Must be a positive integer.")
        if len(significant) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(significant), self.max_page_size)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def page_size_schema_parameter(self) -> dict:
        return {
            "name": self.page_size_query_param,
            "required": False,
            "in": "query",
            "description": f"Results per page: default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE} (larger values are "
            "capped).",
            "schema": {"type": "integer", "minimum": 1},
        }

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

    def get_schema_operation_parameters(self, view):
        page = {
            "name": self.page_query_param,
            "required": False,
            "in": "query",
            "description": "Page number, from 1; a page past the end is 404.",
            "schema": {"type": "integer", "minimum": 1},
        }
        return [page, self.page_size_schema_parameter()]


class LedgerCursorPagination(_CappedPageSize, CursorPagination):
    """Cursor pagination for ledger-like lists: pages stay stable while rows arrive."""

    ordering = ("-created_at", "-id")

    def decode_cursor(self, request):
        """A cursor whose position is not a timestamp is malformed (404), not a 500 from the query."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_paginated_response(self, data):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        return Response(
            {
                "next": next_link,
                "previous": previous_link,
                "next_cursor": self.cursor_of(next_link),
                "previous_cursor": self.cursor_of(previous_link),
                "results": data,
            }
        )

    def cursor_of(self, link: str | None) -> str | None:
        """The ``cursor`` query parameter of a ``next``/``previous`` link (None for no link)."""
        if link is None:
            return None
        return parse_qs(urlsplit(link).query).get(self.cursor_query_param, [None])[0]

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        cursor = {
            "type": "string",
            "nullable": True,
            "description": "Pass back as `?cursor=` for the {} page (the `cursor` of the `{}` link); null when "
            "there is none.",
        }
        response["properties"] = {
            "next": response["properties"]["next"],
            "previous": response["properties"]["previous"],
            "next_cursor": {**cursor, "description": cursor["description"].format("next", "next")},
            "previous_cursor": {**cursor, "description": cursor["description"].format("previous", "previous")},
            "results": response["properties"]["results"],
        }
        response["required"] = list(response["properties"])
        return response

    def get_schema_operation_parameters(self, view):
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Opaque cursor: a page's `next_cursor` or `previous_cursor` (the same value as in its "
            "`next` or `previous` link); a malformed cursor is 404.",
            "schema": {"type": "string"},
        }
        return [cursor, self.page_size_schema_parameter()]
