"""API v1 routes of the events app (mounted under /api/v1/)."""

from django.urls import path

from events.api.views import (
    EventViewSet,
    WebhookDeliveryListView,
    WebhookDeliveryRetryView,
    WebhookEndpointRotateSecretView,
    WebhookEndpointViewSet,
)

urlpatterns = [
    path("events", EventViewSet.as_view({"get": "list"}), name="event-list"),
    path("events/<str:event_id>", EventViewSet.as_view({"get": "retrieve"}), name="event-detail"),
    path(
        "webhook-endpoints",
        WebhookEndpointViewSet.as_view({"get": "list", "post": "create"}),
        name="webhook-endpoint-list",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>",
        WebhookEndpointViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="webhook-endpoint-detail",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>/rotate-secret",
        WebhookEndpointRotateSecretView.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path(
        "webhook-endpoints/<str:endpoint_id>/deliveries",
        WebhookDeliveryListView.as_view(),
        name="webhook-endpoint-deliveries",
    ),
    path(
        "webhook-deliveries/<str:delivery_id>/retry",
        WebhookDeliveryRetryView.as_view(),
        name="webhook-delivery-retry",
    ),
]
