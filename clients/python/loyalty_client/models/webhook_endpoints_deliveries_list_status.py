from enum import StrEnum


class WebhookEndpointsDeliveriesListStatus(StrEnum):
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)
