from enum import StrEnum


class RedemptionStatusEnum(StrEnum):
    COMPLETED = "COMPLETED"
    FULLY_REVERSED = "FULLY_REVERSED"
    PARTIALLY_REVERSED = "PARTIALLY_REVERSED"

    def __str__(self) -> str:
        return str(self.value)
