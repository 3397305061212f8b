from enum import StrEnum


class HealthzResponse503Cache(StrEnum):
    DOWN = "down"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
