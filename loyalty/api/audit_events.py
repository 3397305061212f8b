"""``/api/v1/audit-events``: the tenant's audit trail (read-only; written by the services)."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema

from loyalty.api.base import ApiViewSet
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import list_error_responses
from loyalty.api.serializers import AuditEventFilterSerializer, AuditEventSerializer
from loyalty.selectors import audit_event_list


class AuditEventViewSet(ApiViewSet):
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="audit_events_list",
        summary="List audit records (cursor-paginated, newest first)",
        description="Who changed what: every change to the tenant, its members, programs, assets, rewards, "
        "reward codes (counts), webhook endpoints and API keys, and every reversal, release and clawback, "
        "made through the API, the admin or a management command, recorded in the change's transaction. "
        "A key for all programs sees every record of its tenant; a key for some programs sees the records "
        "of those programs.",
        parameters=[AuditEventFilterSerializer],
        responses={HTTPStatus.OK: AuditEventSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        filters = self.parse_query(AuditEventFilterSerializer)
        return self.paginated(audit_event_list(scope=self.scope, **filters), AuditEventSerializer)
