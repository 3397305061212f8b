from enum import StrEnum


class AccrualStatusEnum(StrEnum):
    AVAILABLE = "AVAILABLE"
    CLOSED = "CLOSED"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)
