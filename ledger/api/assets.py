"""``/api/v1/assets``: list, create, retrieve."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ledger.api.serializers import AssetCreateSerializer, AssetFilterSerializer, AssetSerializer, AssetUpdateSerializer
from ledger.selectors import asset_get_visible, asset_list
from ledger.services import asset_create, asset_update
from loyalty.api.base import ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.audit import Actor
from loyalty.selectors import program_get_visible


class AssetViewSet(ApiViewSet):
    @extend_schema(
        operation_id="assets_list",
        summary="List assets",
        description="Newest first; only the assets of programs the key may see.",
        parameters=[AssetFilterSerializer],
        responses={HTTPStatus.OK: AssetSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        filters = self.parse_query(AssetFilterSerializer)
        return self.paginated(asset_list(scope=self.scope, **filters), AssetSerializer)

    @extend_schema(
        operation_id="assets_create",
        summary="Create an asset (and its program accounts)",
        description="A `code` already used in the program is 400 on field `code`.",
        request=AssetCreateSerializer,
        responses={HTTPStatus.CREATED: AssetSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
    )
    def create(self, request):
        data = self.parse_body(AssetCreateSerializer)
        program = program_get_visible(scope=self.scope, program_id=data["program_id"])
        asset = asset_create(
            program=program,
            code=data["code"],
            name=data["name"],
            scale=data["scale"],
            pending_days=data["pending_days"],
            validity_days=data["validity_days"],
            actor=Actor.of_api_key(self.scope.api_key),
        )
        return Response(AssetSerializer(asset).data, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="assets_retrieve",
        summary="Get an asset",
        description="An asset of a program the key may not see is 404.",
        parameters=[path_uuid("asset_id", "The asset's id.")],
        responses={HTTPStatus.OK: AssetSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, asset_id):
        asset = asset_get_visible(scope=self.scope, asset_id=parse_path_uuid(asset_id))
        return Response(AssetSerializer(asset).data)

    @extend_schema(
        operation_id="assets_partial_update",
        summary="Rename an asset or change its points policy",
        description="Accepts `name`, `pending_days` and `validity_days`; any other field is 400. A policy change "
        "applies to accruals made after it.",
        parameters=[path_uuid("asset_id", "The asset's id.")],
        request=AssetUpdateSerializer,
        responses={HTTPStatus.OK: AssetSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
    )
    def partial_update(self, request, asset_id):
        asset = asset_get_visible(scope=self.scope, asset_id=parse_path_uuid(asset_id))
        changes = self.parse_body(AssetUpdateSerializer)
        return Response(AssetSerializer(asset_update(asset=asset, changes=dict(changes), actor=Actor.of_api_key(self.scope.api_key))).data)
