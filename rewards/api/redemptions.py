"""
Redemptions: catalog (``POST /participants/{id}/redemptions/catalog``),
direct (``POST /participants/{id}/redemptions``) and the redemption resource
(``GET /redemptions``, ``/redemptions/{id}``, ``/participants/{id}/redemptions``).

Checks run in the contract's order: media type and key (the base view), the
path's objects (404), the body's shape (400), the objects the body names
(404); the service does the rest (400s that depend on those objects,
idempotency, the 422 rules).
"""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from ledger.selectors import asset_get_visible
from loyalty.api.base import ApiViewSet
from loyalty.api.bound import represented
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import BODY_ERRORS, IDEMPOTENCY_KEY_HEADER, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.errors import DomainError
from loyalty.logging import annotate_request
from loyalty.selectors import program_get_visible
from participants.selectors import participant_get_visible
from rewards.api import schema
from rewards.api.serializers import (
    CatalogRedemptionCreateSerializer,
    DirectRedemptionCreateSerializer,
    ParticipantRedemptionFilterSerializer,
    RedemptionFilterSerializer,
    RedemptionPreviewSerializer,
    RedemptionSerializer,
)
from rewards.models import Redemption
from rewards.selectors import catalog_redemption_parties, redemption_get_visible, redemption_list
from rewards.services import redemption_create_catalog, redemption_create_direct

PARTICIPANT_ID = path_uuid("participant_id", "The participant's id.")
REDEMPTION_ID = path_uuid("redemption_id", "The redemption's id.")

MOVEMENT_ERRORS = (*BODY_ERRORS, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT)

# The catalog's 200: the original redemption (idempotent repeat) or a dry run's preview (oneOf, inlined by the hook).
REDEMPTION_OR_PREVIEW = PolymorphicProxySerializer(
    component_name="RedemptionOrPreview",
    serializers=[RedemptionSerializer, RedemptionPreviewSerializer],
    resource_type_field_name=None,
)


def _status(created: bool) -> HTTPStatus:
    return HTTPStatus.CREATED if created else HTTPStatus.OK


def _redemption(result) -> dict:
    """The redemption's answer: as the service rendered it for its event, else rendered here."""
    return result.rendered if result.rendered is not None else represented(RedemptionSerializer, result.record)


@extend_schema(tags=["redemptions"])
class ParticipantRedemptionViewSet(ApiViewSet):
    queryset = Redemption.objects.none()  # for schema introspection; reads go through rewards.selectors
    pagination_class = LedgerCursorPagination

    def get_participant(self):
        return participant_get_visible(scope=self.scope, participant_id=parse_path_uuid(self.kwargs["participant_id"]))

    @extend_schema(
        operation_id="participants_redemptions_catalog_create",
        summary="Redeem a catalog reward",
        description=(
            "Cost: UNIT_BASED `quantity * unit_cost`; AMOUNT_BASED `amount`. `201` with the new redemption; "
            "`200` with the existing one on an idempotent repeat, or with the would-be redemption for "
            "`?dry_run=true`."
        ),
        parameters=[PARTICIPANT_ID, schema.DRY_RUN, IDEMPOTENCY_KEY_HEADER],
        request=CatalogRedemptionCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(RedemptionSerializer, description="Redeemed."),
            HTTPStatus.OK: OpenApiResponse(
                REDEMPTION_OR_PREVIEW,
                description="Idempotent repeat: the original `Redemption`; or, for `?dry_run=true`, the "
                "`RedemptionPreview` of the redemption that would be created.",
            ),
            **error_responses(*MOVEMENT_ERRORS, rules=schema.CATALOG_REDEMPTION_RULES),
        },
        examples=[
            schema.CATALOG_REQUEST_EXAMPLE,
            schema.REDEMPTION_EXAMPLE,
            schema.CODES_REDEMPTION_EXAMPLE,
            schema.PREVIEW_EXAMPLE,
        ],
    )
    def catalog(self, request, participant_id):
        try:
            dry_run = self.query_flag("dry_run")
            data = self.parse_body(CatalogRedemptionCreateSerializer)
            key = self.pop_idempotency_key(data)
        except (APIException, DomainError):  # a malformed flag, body or key: 400
            self.get_participant()  # the path's participant answers 404 first
            raise
        participant, program, reward = catalog_redemption_parties(  # one query: the path's and the body's objects
            scope=self.scope,
            participant_id=parse_path_uuid(participant_id),
            program_id=data.pop("program_id"),
            reward_id=data.pop("reward_id"),
        )
        result = redemption_create_catalog(
            program=program, participant=participant, reward=reward, idempotency_key=key, dry_run=dry_run, **data
        )
        if dry_run:  # creates nothing
            return Response(represented(RedemptionPreviewSerializer, result.record), status=HTTPStatus.OK)
        annotate_request(request, redemption_id=str(result.record.id))
        return Response(_redemption(result), status=_status(result.created))

    @extend_schema(
        operation_id="participants_redemptions_create",
        summary="Redeem an amount directly (no catalog item)",
        description="Cash-out, donation: debits the wallet like a catalog redemption; catalog-only fields are null.",
        parameters=[PARTICIPANT_ID, IDEMPOTENCY_KEY_HEADER],
        request=DirectRedemptionCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(RedemptionSerializer, description="Redeemed."),
            HTTPStatus.OK: OpenApiResponse(
                RedemptionSerializer, description="Idempotent repeat: the original redemption."
            ),
            **error_responses(*MOVEMENT_ERRORS, rules=schema.DIRECT_REDEMPTION_RULES),
        },
        examples=[schema.DIRECT_REQUEST_EXAMPLE, schema.REDEMPTION_EXAMPLE],
    )
    def create(self, request, participant_id):
        participant = self.get_participant()
        data = self.parse_body(DirectRedemptionCreateSerializer)
        key = self.pop_idempotency_key(data)
        program = program_get_visible(scope=self.scope, program_id=data.pop("program_id"))
        asset = asset_get_visible(scope=self.scope, asset_id=data.pop("asset_id"))
        result = redemption_create_direct(
            program=program, participant=participant, asset=asset, idempotency_key=key, **data
        )
        annotate_request(request, redemption_id=str(result.record.id))
        return Response(_redemption(result), status=_status(result.created))

    @extend_schema(
        operation_id="participants_redemptions_list",
        summary="List a participant's redemptions",
        description="Newest first, cursor-paginated; only redemptions in programs the key may see.",
        parameters=[PARTICIPANT_ID, ParticipantRedemptionFilterSerializer],
        responses={
            HTTPStatus.OK: RedemptionSerializer(many=True),
            **list_error_responses(path_ids=True),
        },
    )
    def list(self, request, participant_id):
        participant = self.get_participant()
        filters = self.parse_query(ParticipantRedemptionFilterSerializer)
        return self.paginated(
            redemption_list(scope=self.scope, participant_id=participant.id, **filters), RedemptionSerializer
        )


@extend_schema(tags=["redemptions"])
class RedemptionViewSet(ApiViewSet):
    queryset = Redemption.objects.none()  # for schema introspection; reads go through rewards.selectors
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="redemptions_list",
        summary="List redemptions",
        description="Newest first, cursor-paginated; only redemptions in programs the key may see.",
        parameters=[RedemptionFilterSerializer],
        responses={
            HTTPStatus.OK: RedemptionSerializer(many=True),
            **list_error_responses(),
        },
    )
    def list(self, request):
        filters = self.parse_query(RedemptionFilterSerializer)
        return self.paginated(redemption_list(scope=self.scope, **filters), RedemptionSerializer)

    @extend_schema(
        operation_id="redemptions_retrieve",
        summary="Get a redemption",
        description="`status`, `reversed_amount`, `reversed_quantity` and `updated_at` change with each reversal.",
        parameters=[REDEMPTION_ID],
        responses={HTTPStatus.OK: RedemptionSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
        examples=[schema.REDEMPTION_EXAMPLE],
    )
    def retrieve(self, request, redemption_id):
        redemption = redemption_get_visible(scope=self.scope, redemption_id=parse_path_uuid(redemption_id))
        return Response(RedemptionSerializer(redemption).data)
