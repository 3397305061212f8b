from enum import StrEnum


class HealthzResponse200Cache(StrEnum):
    DOWN = "down"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
