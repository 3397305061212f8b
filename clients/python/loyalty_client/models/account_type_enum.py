from enum import StrEnum


class AccountTypeEnum(StrEnum):
    ISSUANCE = "ISSUANCE"
    REDEMPTIONS = "REDEMPTIONS"
    WALLET = "WALLET"

    def __str__(self) -> str:
        return str(self.value)
