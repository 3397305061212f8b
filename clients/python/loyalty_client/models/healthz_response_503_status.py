from enum import StrEnum


class HealthzResponse503Status(StrEnum):
    ERROR = "error"

    def __str__(self) -> str:
        return str(self.value)
