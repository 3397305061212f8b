"""What the reconciliation (``ledger.reconciliation``) reads of this app: accruals are movement records."""

from __future__ import annotations

from ledger.models import JournalEntry
from ledger.reconciliation.probes import Scope
from ledger.reconciliation.registry import Contribution, MovementRows
from loyalty import sql
from loyalty.models import IdempotencyRecord
from participants.models import Accrual


def accrual_rows(s: Scope) -> MovementRows:
    """An accrual posts an ACCRUAL entry that credits the participant's wallet by its amount."""
    c = sql.Alias(Accrual, "c")
    return MovementRows(
        entry_kind=JournalEntry.Kind.ACCRUAL,
        key_kind=IdempotencyRecord.Kind.ACCRUAL,
        sign=1,
        id=c.id,
        program_id=c.program_id,
        entry_id=c.journal_entry_id,
        participant_id=c.participant_id,
        asset_id=c.asset_id,
        amount=c.amount,
        idempotency_key=c.idempotency_key,
        source=f"FROM {c} WHERE 1 = 1{s.on(c)}",
    )


CONTRIBUTION = Contribution(movements=(accrual_rows,))
