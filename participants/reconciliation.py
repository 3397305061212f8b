"""
What the reconciliation (``ledger.reconciliation``) reads of this app:
accruals and clawbacks are movement records, and the ``lots`` check proves
the points lifecycle: every lot's identity, every wallet and PENDING account
against its lots, the EXPIRED account and the clawbacks against the lots'
``expired_amount`` and ``reversed_amount``, and every RELEASE entry moving
points from a participant's PENDING account to the same participant's wallet.
"""

from __future__ import annotations

from ledger.models import Account, JournalEntry, JournalLine
from ledger.reconciliation.dialect import amt
from ledger.reconciliation.probes import Check, Issue, Probe, Scope
from ledger.reconciliation.registry import Contribution, MovementRows
from loyalty import sql
from loyalty.models import IdempotencyRecord
from participants.models import Accrual, AccrualReversal


def accrual_rows(s: Scope) -> MovementRows:
    """An accrual posts an ACCRUAL entry that credits the participant's wallet or PENDING account by its amount."""
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


def clawback_rows(s: Scope) -> MovementRows:
    """A clawback posts an ACCRUAL_REVERSAL entry that debits the participant's wallet or PENDING account."""
    v, c = sql.Alias(AccrualReversal, "cv"), sql.Alias(Accrual, "cc")
    return MovementRows(
        entry_kind=JournalEntry.Kind.ACCRUAL_REVERSAL,
        key_kind=IdempotencyRecord.Kind.ACCRUAL_REVERSAL,
        sign=-1,
        id=v.id,
        program_id=v.program_id,
        entry_id=v.journal_entry_id,
        participant_id=c.participant_id,
        asset_id=c.asset_id,
        amount=v.amount,
        idempotency_key=v.idempotency_key,
        source=f"FROM {v} JOIN {c} ON {c.id} = {v.accrual_id} WHERE 1 = 1{s.on(v)}",
    )


def _type(value: str) -> str:
    return sql.literal(Account, "type", value)


def _lots(s: Scope):
    lot, a = sql.Alias(Accrual, "lt"), sql.Alias(Account, "ac")
    line, e = sql.Alias(JournalLine, "ln"), sql.Alias(JournalEntry, "en")
    v = sql.Alias(AccrualReversal, "rv")
    credit = sql.literal(JournalLine, "direction", JournalLine.Direction.CREDIT)
    debit = sql.literal(JournalLine, "direction", JournalLine.Direction.DEBIT)
    true = "TRUE" if sql.is_postgresql() else "1"
    ctes = f"""lot_sums AS (
    SELECT {lot.participant_id} AS participant_id, {lot.asset_id} AS asset_id,
           SUM(CASE WHEN {lot.released} = {true} THEN {amt(lot.remaining)} ELSE 0 END) AS released,
           SUM(CASE WHEN {lot.released} = {true} THEN 0 ELSE {amt(lot.remaining)} END) AS pending
    FROM {lot} WHERE 1 = 1{s.on(lot)}
    GROUP BY {lot.participant_id}, {lot.asset_id}
),
holdings AS (
    SELECT {a.id} AS account_id, {a.type} AS type, {a.participant_id} AS participant_id, {a.asset_id} AS asset_id,
           {amt(a.balance)} AS balance
    FROM {a} WHERE {a.type} IN ({_type(Account.Type.WALLET)}, {_type(Account.Type.PENDING)}){s.on(a)}
),
expired_lines AS (
    SELECT {a.asset_id} AS asset_id,
           SUM(CASE WHEN {line.direction} = {credit} THEN {amt(line.amount)} ELSE -{amt(line.amount)} END) AS total
    FROM {line} JOIN {a} ON {a.id} = {line.account_id}
    WHERE {a.type} = {_type(Account.Type.EXPIRED)}{s.on(a)}
    GROUP BY {a.asset_id}
),
expired_lots AS (
    SELECT {lot.asset_id} AS asset_id, SUM({amt(lot.expired_amount)}) AS total
    FROM {lot} WHERE 1 = 1{s.on(lot)} GROUP BY {lot.asset_id}
),
clawed AS (
    SELECT {v.accrual_id} AS accrual_id, SUM({amt(v.amount)}) AS total
    FROM {v} WHERE 1 = 1{s.on(v)} GROUP BY {v.accrual_id}
),
release_moves AS (
    SELECT {line.entry_id} AS entry_id, {a.participant_id} AS participant_id,
           SUM(CASE WHEN {a.type} = {_type(Account.Type.PENDING)} AND {line.direction} = {debit}
                    THEN {amt(line.amount)} ELSE 0 END) AS from_pending,
           SUM(CASE WHEN {a.type} = {_type(Account.Type.WALLET)} AND {line.direction} = {credit}
                    THEN {amt(line.amount)} ELSE 0 END) AS to_wallet
    FROM {line} JOIN {e} ON {e.id} = {line.entry_id} JOIN {a} ON {a.id} = {line.account_id}
    WHERE {e.kind} = {sql.literal(JournalEntry, "kind", JournalEntry.Kind.RELEASE)}{s.on(e)}
    GROUP BY {line.entry_id}, {a.participant_id}
)"""
    parts = f"{amt(lot.remaining)} + {amt(lot.spent_amount)} + {amt(lot.expired_amount)} + {amt(lot.reversed_amount)}"
    return ctes, [
        Probe(
            "lot_identity", lot.id, lot.participant_id, amt(lot.amount), parts,
            f"FROM {lot} WHERE ({amt(lot.amount)} <> {parts} OR {lot.remaining} < 0 OR {lot.spent_amount} < 0 "
            f"OR {lot.expired_amount} < 0 OR {lot.reversed_amount} < 0){s.on(lot)}",
        ),
        Probe(
            "wallet_lots_mismatch", "h.account_id", "h.participant_id", "COALESCE(x.released, 0)", "h.balance",
            f"FROM holdings h LEFT JOIN lot_sums x ON x.participant_id = h.participant_id AND x.asset_id = h.asset_id "
            f"WHERE h.type = {_type(Account.Type.WALLET)} AND h.balance <> COALESCE(x.released, 0)",
        ),
        Probe(
            "pending_lots_mismatch", "h.account_id", "h.participant_id", "COALESCE(x.pending, 0)", "h.balance",
            f"FROM holdings h LEFT JOIN lot_sums x ON x.participant_id = h.participant_id AND x.asset_id = h.asset_id "
            f"WHERE h.type = {_type(Account.Type.PENDING)} AND h.balance <> COALESCE(x.pending, 0)",
        ),
        Probe(
            "lots_without_account", "x.participant_id", "x.asset_id", "x.released + x.pending", "'no account'",
            "FROM lot_sums x WHERE (x.released > 0 AND NOT EXISTS (SELECT 1 FROM holdings h WHERE "
            f"h.participant_id = x.participant_id AND h.asset_id = x.asset_id AND h.type = {_type(Account.Type.WALLET)})) "
            "OR (x.pending > 0 AND NOT EXISTS (SELECT 1 FROM holdings h WHERE "
            f"h.participant_id = x.participant_id AND h.asset_id = x.asset_id AND h.type = {_type(Account.Type.PENDING)}))",
        ),
        Probe(
            "expired_lots_mismatch", "k.asset_id", "NULL", "COALESCE(xl.total, 0)", "COALESCE(el.total, 0)",
            "FROM (SELECT asset_id FROM expired_lines UNION SELECT asset_id FROM expired_lots) k "
            "LEFT JOIN expired_lines el ON el.asset_id = k.asset_id LEFT JOIN expired_lots xl ON xl.asset_id = k.asset_id "
            "WHERE COALESCE(el.total, 0) <> COALESCE(xl.total, 0)",
        ),
        Probe(
            "clawback_lot_mismatch", lot.id, lot.participant_id, "COALESCE(cl.total, 0)", amt(lot.reversed_amount),
            f"FROM {lot} LEFT JOIN clawed cl ON cl.accrual_id = {lot.id} "
            f"WHERE {amt(lot.reversed_amount)} <> COALESCE(cl.total, 0){s.on(lot)}",
        ),
        Probe(
            "release_entry_mismatch", "entry_id", "participant_id", "from_pending", "to_wallet",
            "FROM release_moves WHERE from_pending <> to_wallet",
        ),
    ]


LOTS = Check(
    "lots",
    "Every lot's amount = remaining + spent + expired + reversed, none negative; every wallet equals its "
    "participant's released lots' remaining and every PENDING account its pending lots'; the EXPIRED account "
    "equals the lots' expired_amount and each lot's reversed_amount its clawbacks; every RELEASE entry moves "
    "points from a participant's PENDING account to the same participant's wallet.",
    (
        Issue("lot_identity", "lot whose parts do not add up to its amount (or a negative part)", "lot",
              "participant", "amount", "remaining + spent + expired + reversed"),
        Issue("wallet_lots_mismatch", "wallet whose balance differs from its released lots", "account",
              "participant", "lots", "stored"),
        Issue("pending_lots_mismatch", "PENDING account whose balance differs from its pending lots", "account",
              "participant", "lots", "stored"),
        Issue("lots_without_account", "lots holding points with no account to hold them", "participant", "asset",
              "lots", "account", "amount", "text"),
        Issue("expired_lots_mismatch", "EXPIRED account differs from the lots' expired_amount", "asset", None,
              "lots", "account"),
        Issue("clawback_lot_mismatch", "lot whose reversed_amount differs from its clawbacks", "lot", "participant",
              "clawbacks", "reversed_amount"),
        Issue("release_entry_mismatch", "RELEASE entry that does not move points from PENDING to the wallet of "
              "the same participant", "entry", "participant", "from pending", "to wallet"),
    ),
    _lots,
    order=80,
)

CONTRIBUTION = Contribution(checks=(LOTS,), movements=(accrual_rows, clawback_rows))
