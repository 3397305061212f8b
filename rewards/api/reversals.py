"""``/api/v1/redemptions/{redemption_id}/reversals``: reverse a redemption, list its reversals."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from loyalty.api.base import ApiViewSet
from loyalty.api.bound import represented
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import BODY_ERRORS, IDEMPOTENCY_KEY_HEADER, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.logging import annotate_request
from rewards.api import schema
from rewards.api.serializers import ReversalCreateSerializer, ReversalSerializer
from rewards.models import Redemption, Reversal
from rewards.selectors import redemption_get_visible, reversal_list
from rewards.services import reversal_create

REDEMPTION_ID = path_uuid("redemption_id", "The redemption's id.")



@extend_schema(tags=["redemptions"])
class ReversalViewSet(ApiViewSet):
    queryset = Reversal.objects.none()  # for schema introspection; reads go through rewards.selectors
    pagination_class = LedgerCursorPagination

    def get_redemption(self) -> Redemption:
        return redemption_get_visible(scope=self.scope, redemption_id=parse_path_uuid(self.kwargs["redemption_id"]))

    @extend_schema(
        operation_id="redemptions_reversals_create",
        summary="Reverse a redemption, whole or in part",
        description=(
            "UNIT_BASED: by `quantity`, refunding `quantity * unit_cost` at the redemption's cost and, unless "
            "`restock` is false, returning the units to stock. AMOUNT_BASED and direct: by `amount`. An empty "
            "body reverses whatever remains. Allowed when the program is INACTIVE. `201` with the reversal and "
            "the updated redemption; `200` on an idempotent repeat."
        ),
        parameters=[REDEMPTION_ID, IDEMPOTENCY_KEY_HEADER],
        request=ReversalCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(ReversalSerializer, description="Reversed."),
            HTTPStatus.OK: OpenApiResponse(ReversalSerializer, description="Idempotent repeat: the original reversal."),
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, rules=schema.REVERSAL_RULES),
        },
        examples=[schema.REVERSAL_REQUEST_EXAMPLE, schema.REVERSAL_EXAMPLE],
    )
    def create(self, request, redemption_id):
        redemption = self.get_redemption()
        annotate_request(request, redemption_id=str(redemption.id))
        data = self.parse_body(ReversalCreateSerializer)
        key = self.pop_idempotency_key(data)
        result = reversal_create(redemption=redemption, idempotency_key=key, api_key=self.scope.api_key, **data)
        status = HTTPStatus.CREATED if result.created else HTTPStatus.OK
        return Response(represented(ReversalSerializer, result.record), status=status)

    @extend_schema(
        operation_id="redemptions_reversals_list",
        summary="List a redemption's reversals",
        description="Newest first, cursor-paginated.",
        parameters=[REDEMPTION_ID],
        responses={HTTPStatus.OK: ReversalSerializer(many=True), **list_error_responses(path_ids=True)},
    )
    def list(self, request, redemption_id):
        return self.paginated(reversal_list(redemption=self.get_redemption()), ReversalSerializer)
