"""``/api/v1/events``, ``/api/v1/webhook-endpoints`` and ``/api/v1/webhook-deliveries/{id}/retry``."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from events import selectors, services
from events.api.pagination import FeedPagination
from events.api.serializers import (
    DeliveryFilterSerializer,
    DeliverySerializer,
    EventFilterSerializer,
    EventSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
)
from loyalty.api.base import ApiView, ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.audit import Actor
from loyalty.selectors import program_get_visible, program_list

EVENT_ID = path_uuid("event_id", "The event's id.")
ENDPOINT_ID = path_uuid("endpoint_id", "The webhook endpoint's id.")
DELIVERY_ID = path_uuid("delivery_id", "The delivery's id.")


class EventViewSet(ApiViewSet):
    pagination_class = FeedPagination

    @extend_schema(
        operation_id="events_list",
        summary="The event feed, oldest first",
        description="Page with `after` set to the last id seen: a consumer never misses an event and never sees one "
        "twice, even when transactions commit in another order than they started. An event is listed once its "
        "own transaction and every transaction that started before it have finished. `next` carries the `after` "
        "of the next page (null on the last page for now).",
        parameters=[EventFilterSerializer],
        responses={HTTPStatus.OK: EventSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        filters = self.parse_query(EventFilterSerializer)
        if "program_id" in filters:
            program_get_visible(scope=self.scope, program_id=filters["program_id"])
        return self.paginated(selectors.event_feed(scope=self.scope, **filters), EventSerializer)

    @extend_schema(
        operation_id="events_retrieve",
        summary="Get an event",
        parameters=[EVENT_ID],
        responses={HTTPStatus.OK: EventSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, event_id):
        return Response(EventSerializer(selectors.event_get(scope=self.scope, event_id=parse_path_uuid(event_id))).data)


class WebhookEndpointViewSet(ApiViewSet):
    def _context(self) -> dict:
        return {"tenant_program_ids": list(program_list(scope=self.scope).order_by("id").values_list("id", flat=True))}

    def _program_ids(self, given):
        """The body's ``program_ids`` checked against the key (404), or the default: the key's programs."""
        if given is None:
            return None if self.scope.all_programs else sorted(self.scope.program_ids)
        for program_id in given:
            program_get_visible(scope=self.scope, program_id=program_id)
        return given

    def get_object(self):
        return selectors.endpoint_get(scope=self.scope, endpoint_id=parse_path_uuid(self.kwargs["endpoint_id"]))

    @extend_schema(
        operation_id="webhook_endpoints_list",
        summary="List the webhook endpoints the key may see",
        description="Newest first; never the secret.",
        responses={HTTPStatus.OK: WebhookEndpointSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        page = self.paginate_queryset(selectors.endpoint_list(scope=self.scope))
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True, context=self._context()).data)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        summary="Register a webhook endpoint",
        description="201 with the endpoint and its `secret`, shown in this answer only. `url` must be https and its "
        "host must not be or resolve to a loopback, private, link-local, multicast or unspecified address (400 on "
        "`url`). Naming a program the key may not see is 404.",
        request=WebhookEndpointCreateSerializer,
        responses={
            HTTPStatus.CREATED: WebhookEndpointWithSecretSerializer,
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND),
        },
    )
    def create(self, request):
        data = self.parse_body(WebhookEndpointCreateSerializer)
        endpoint = services.webhook_endpoint_create(
            tenant_id=self.scope.tenant_id,
            url=data["url"],
            event_types=data["event_types"],
            program_ids=self._program_ids(data.get("program_ids")),
            description=data["description"],
            actor=Actor.of_api_key(self.scope.api_key),
        )
        body = WebhookEndpointWithSecretSerializer(endpoint, context=self._context()).data
        return Response(body, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="webhook_endpoints_retrieve",
        summary="Get a webhook endpoint (never its secret)",
        parameters=[ENDPOINT_ID],
        responses={HTTPStatus.OK: WebhookEndpointSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, endpoint_id):
        return Response(WebhookEndpointSerializer(self.get_object(), context=self._context()).data)

    @extend_schema(
        operation_id="webhook_endpoints_partial_update",
        summary="Change a webhook endpoint",
        description="`enabled: true` re-enables an endpoint that was disabled (and clears `disabled_reason`).",
        parameters=[ENDPOINT_ID],
        request=WebhookEndpointUpdateSerializer,
        responses={HTTPStatus.OK: WebhookEndpointSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
    )
    def partial_update(self, request, endpoint_id):
        endpoint = self.get_object()
        changes = dict(self.parse_body(WebhookEndpointUpdateSerializer))
        if "program_ids" in changes:
            changes["program_ids"] = self._program_ids(changes["program_ids"])
        if changes:
            endpoint = services.webhook_endpoint_update(
                endpoint=endpoint, actor=Actor.of_api_key(self.scope.api_key), **changes
            )
        return Response(WebhookEndpointSerializer(endpoint, context=self._context()).data)

    @extend_schema(
        operation_id="webhook_endpoints_destroy",
        summary="Delete a webhook endpoint",
        description="204; its pending deliveries are dropped.",
        parameters=[ENDPOINT_ID],
        responses={HTTPStatus.NO_CONTENT: OpenApiResponse(description="Deleted."), **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def destroy(self, request, endpoint_id):
        services.webhook_endpoint_delete(endpoint=self.get_object(), actor=Actor.of_api_key(self.scope.api_key))
        return Response(status=HTTPStatus.NO_CONTENT)


class WebhookEndpointRotateSecretView(ApiView):
    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        summary="Replace an endpoint's secret",
        description="200 with the new `secret` (shown in this answer only); the old one keeps signing too for 24 "
        "hours. No body.",
        parameters=[ENDPOINT_ID],
        request=None,
        responses={HTTPStatus.OK: WebhookEndpointWithSecretSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def post(self, request, endpoint_id):
        endpoint = selectors.endpoint_get(scope=self.scope, endpoint_id=parse_path_uuid(endpoint_id))
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint, actor=Actor.of_api_key(self.scope.api_key))
        context = {"tenant_program_ids": list(program_list(scope=self.scope).order_by("id").values_list("id", flat=True))}
        return Response(WebhookEndpointWithSecretSerializer(endpoint, context=context).data)


class WebhookDeliveryListView(ApiView):
    @extend_schema(
        operation_id="webhook_endpoints_deliveries_list",
        summary="An endpoint's deliveries, newest first",
        parameters=[ENDPOINT_ID, DeliveryFilterSerializer],
        responses={HTTPStatus.OK: DeliverySerializer(many=True), **list_error_responses(path_ids=True)},
    )
    def get(self, request, endpoint_id):
        endpoint_id = parse_path_uuid(endpoint_id)
        selectors.endpoint_get(scope=self.scope, endpoint_id=endpoint_id)
        filters = self.parse_query(DeliveryFilterSerializer)
        return self.paginated(selectors.delivery_list(scope=self.scope, endpoint_id=endpoint_id, **filters), DeliverySerializer)


class WebhookDeliveryRetryView(ApiView):
    @extend_schema(
        operation_id="webhook_deliveries_retry",
        summary="Make a delivery due now",
        description="202 with the delivery, due now with a fresh schedule of attempts; a delivered one is sent "
        "again. No body.",
        parameters=[DELIVERY_ID],
        request=None,
        responses={HTTPStatus.ACCEPTED: DeliverySerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def post(self, request, delivery_id):
        delivery = selectors.delivery_get(scope=self.scope, delivery_id=parse_path_uuid(delivery_id))
        delivery = services.delivery_retry(delivery=delivery)
        return Response(DeliverySerializer(delivery).data, status=HTTPStatus.ACCEPTED)
