from enum import StrEnum


class RewardFulfilmentEnum(StrEnum):
    CODES = "CODES"
    NONE = "NONE"

    def __str__(self) -> str:
        return str(self.value)
