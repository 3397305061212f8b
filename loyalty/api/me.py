"""``GET /api/v1/me``: who the key is, its tenant and the programs it may see now."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from loyalty.api.base import ApiView
from loyalty.api.schema import error_responses
from loyalty.api.serializers import MeSerializer
from loyalty.selectors import program_list, tenant_get


class MeView(ApiView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The key's tenant and scope",
        description="The tenant the key belongs to, and the key: its prefix, name, whether it reaches all the "
        "tenant's programs (now and future) and the ids of the programs it may see now, newest first.",
        responses={HTTPStatus.OK: MeSerializer, **error_responses()},
    )
    def get(self, request):
        scope = self.scope
        program_ids = list(program_list(scope=scope).values_list("id", flat=True))
        me = {"tenant": tenant_get(tenant_id=scope.tenant_id), "key": scope.api_key, "program_ids": program_ids}
        return Response(MeSerializer(me).data)
