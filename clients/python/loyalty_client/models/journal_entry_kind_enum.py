from enum import StrEnum


class JournalEntryKindEnum(StrEnum):
    ACCRUAL = "ACCRUAL"
    ACCRUAL_REVERSAL = "ACCRUAL_REVERSAL"
    ADJUSTMENT = "ADJUSTMENT"
    EXPIRATION = "EXPIRATION"
    REDEMPTION = "REDEMPTION"
    RELEASE = "RELEASE"
    REVERSAL = "REVERSAL"

    def __str__(self) -> str:
        return str(self.value)
