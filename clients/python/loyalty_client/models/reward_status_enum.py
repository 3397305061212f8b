from enum import StrEnum


class RewardStatusEnum(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    OUT_OF_STOCK = "OUT_OF_STOCK"

    def __str__(self) -> str:
        return str(self.value)
