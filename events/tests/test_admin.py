"""The admin shows endpoints without their secret, and retries deliveries."""

from __future__ import annotations

import pytest

from events.models import Delivery, WebhookEndpoint
from events.services import event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(program):
    return WebhookEndpoint.objects.create(
        tenant=program.tenant, url="https://hooks.example/in", event_types=["*"], all_programs=True,
        secret="whsec_c2VjcmV0LXNob3VsZC1uZXZlci1zaG93", previous_secrets=[
            {"secret": "whsec_b2xkLXNlY3JldA==", "replaced_at": "2026-01-01T00:00:00+00:00"}
        ],
    )


def test_the_endpoint_pages_never_show_a_secret(superuser_client, endpoint):
    # when
    pages = [
        superuser_client.get("/admin/events/webhookendpoint/"),
        superuser_client.get(f"/admin/events/webhookendpoint/{endpoint.id}/change/"),
    ]

    # then
    for page in pages:
        assert page.status_code == 200
        assert b"hooks.example" in page.content
        assert b"whsec_" not in page.content


def test_the_retry_action_makes_deliveries_due_again(superuser_client, program, endpoint):
    # given
    event_id = event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={})
    Delivery.objects.filter(event_id=event_id).update(status="FAILED", attempts=8)
    delivery = Delivery.objects.get(event_id=event_id)

    # when
    response = superuser_client.post(
        "/admin/events/delivery/", {"action": "retry", "_selected_action": [str(delivery.id)]}
    )

    # then
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("PENDING", 0)
