from enum import StrEnum


class JournalEntryKindEnum(StrEnum):
    ACCRUAL = "ACCRUAL"
    ADJUSTMENT = "ADJUSTMENT"
    REDEMPTION = "REDEMPTION"
    REVERSAL = "REVERSAL"

    def __str__(self) -> str:
        return str(self.value)
