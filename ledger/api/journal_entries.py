"""``/api/v1/journal-entries``: list, retrieve (entries are written only by the movements)."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ledger.api.serializers import JournalEntryFilterSerializer, JournalEntrySerializer
from ledger.selectors import journal_entry_get_visible, journal_entry_list
from loyalty.api.base import ApiViewSet
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid


class JournalEntryViewSet(ApiViewSet):
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="journal_entries_list",
        summary="List journal entries (cursor-paginated, newest first)",
        description="Only the entries of programs the key may see. Every entry has at least two lines and, per "
        "asset, its debits equal its credits.",
        parameters=[JournalEntryFilterSerializer],
        responses={
            HTTPStatus.OK: JournalEntrySerializer(many=True),
            **list_error_responses(),
        },
    )
    def list(self, request):
        filters = self.parse_query(JournalEntryFilterSerializer)
        return self.paginated(journal_entry_list(scope=self.scope, **filters), JournalEntrySerializer)

    @extend_schema(
        operation_id="journal_entries_retrieve",
        summary="Get a journal entry with its lines",
        description="Entries and lines are immutable; a reversal's entry points at the entry it reverses "
        "(`reverses_entry_id`).",
        parameters=[path_uuid("entry_id", "The journal entry's id.")],
        responses={HTTPStatus.OK: JournalEntrySerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, entry_id):
        entry = journal_entry_get_visible(scope=self.scope, entry_id=parse_path_uuid(entry_id))
        return Response(JournalEntrySerializer(entry).data)
