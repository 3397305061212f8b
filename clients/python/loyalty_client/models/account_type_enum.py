from enum import StrEnum


class AccountTypeEnum(StrEnum):
    EXPIRED = "EXPIRED"
    ISSUANCE = "ISSUANCE"
    PENDING = "PENDING"
    REDEMPTIONS = "REDEMPTIONS"
    WALLET = "WALLET"

    def __str__(self) -> str:
        return str(self.value)
