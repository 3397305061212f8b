from enum import StrEnum


class HealthzResponse503Database(StrEnum):
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
