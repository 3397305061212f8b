from enum import StrEnum


class AuditActorTypeEnum(StrEnum):
    API_KEY = "api_key"
    COMMAND = "command"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
