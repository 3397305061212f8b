"""``/api/v1/programs``: list, create (all-programs keys only), retrieve, update."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response

from loyalty.api.base import ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.api.serializers import ProgramCreateSerializer, ProgramSerializer, ProgramUpdateSerializer
from loyalty.audit import Actor
from loyalty.auth import KeyScope
from loyalty.models import Program
from loyalty.selectors import program_get_visible, program_list
from loyalty.services import program_create, program_update

PROGRAM_ID = path_uuid("program_id", "The program's id.")


class CreateNeedsAllProgramsKey(permissions.BasePermission):
    """Creating a program needs a key for all programs (checked before the body)."""

    message = "Creating a program needs an API key for all programs."

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        return isinstance(request.auth, KeyScope) and request.auth.all_programs


class ProgramViewSet(ApiViewSet):
    def get_permissions(self):
        return [*super().get_permissions(), CreateNeedsAllProgramsKey()]

    def get_object(self) -> Program:
        return program_get_visible(scope=self.scope, program_id=parse_path_uuid(self.kwargs["program_id"]))

    @extend_schema(
        operation_id="programs_list",
        summary="List the programs the key may see",
        description="Newest first.",
        responses={HTTPStatus.OK: ProgramSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        return self.paginated(program_list(scope=self.scope), ProgramSerializer)

    @extend_schema(
        operation_id="programs_create",
        summary="Create a program (needs an all-programs key)",
        description="A key scoped to some programs is 403 `permission_denied`. `status` defaults to `ACTIVE`.",
        request=ProgramCreateSerializer,
        responses={
            HTTPStatus.CREATED: ProgramSerializer,
            **error_responses(*BODY_ERRORS, HTTPStatus.FORBIDDEN),
        },
    )
    def create(self, request):
        data = self.parse_body(ProgramCreateSerializer)
        program = program_create(tenant_id=self.scope.tenant_id, name=data["name"], status=data["status"], actor=Actor.of_api_key(self.scope.api_key))
        return Response(ProgramSerializer(program).data, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="programs_retrieve",
        summary="Get a program",
        description="A program the key may not see is 404.",
        parameters=[PROGRAM_ID],
        responses={HTTPStatus.OK: ProgramSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, program_id):
        return Response(ProgramSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="programs_partial_update",
        summary="Rename a program or switch it ACTIVE / INACTIVE",
        description="An `INACTIVE` program refuses accruals and redemptions (422 `program_not_active`); "
        "reversals of earlier redemptions stay allowed.",
        parameters=[PROGRAM_ID],
        request=ProgramUpdateSerializer,
        responses={HTTPStatus.OK: ProgramSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
    )
    def partial_update(self, request, program_id):
        program = self.get_object()
        changes = self.parse_body(ProgramUpdateSerializer)
        if changes:
            program = program_update(program=program, actor=Actor.of_api_key(self.scope.api_key), **changes)
        return Response(ProgramSerializer(program).data)
