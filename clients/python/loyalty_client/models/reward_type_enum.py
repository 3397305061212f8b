from enum import StrEnum


class RewardTypeEnum(StrEnum):
    AMOUNT_BASED = "AMOUNT_BASED"
    UNIT_BASED = "UNIT_BASED"

    def __str__(self) -> str:
        return str(self.value)
