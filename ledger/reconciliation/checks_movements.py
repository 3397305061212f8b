"""
Checks 4 and 6, the movement records against the ledger: every record posts
its own entry, and every idempotency record points at its record.

The records (accruals, redemptions, reversals) belong to the apps above the
ledger: each app describes its own (``registry.MovementRows``), and these
checks read them through ``registry.movement_rows``.
"""

from __future__ import annotations

from ledger.models import Account, JournalEntry, JournalLine
from ledger.reconciliation.dialect import amt
from ledger.reconciliation.probes import ID, TEXT, Check, Issue, Probe, Scope
from ledger.reconciliation.registry import movement_rows
from loyalty import sql
from loyalty.models import IdempotencyRecord

COLUMNS = (
    "kind", "key_kind", "id", "program_id", "entry_id", "participant_id", "asset_id", "amount", "sign", "idempotency_key",
)


def movements_cte(s: Scope) -> str:
    """``movements(<COLUMNS>)``: every app's movement records, with their kinds and the wallet's sign."""
    selects = [
        f"SELECT {sql.literal(JournalEntry, 'kind', m.entry_kind)} AS kind, "
        f"{sql.literal(IdempotencyRecord, 'kind', m.key_kind)} AS key_kind, {m.id} AS id, "
        f"{m.program_id} AS program_id, {m.entry_id} AS entry_id, {m.participant_id} AS participant_id, "
        f"{m.asset_id} AS asset_id, {amt(m.amount)} AS amount, {m.sign} AS sign, "
        f"{m.idempotency_key} AS idempotency_key\n    {m.source}"
        for m in movement_rows(s)
    ] or [f"SELECT {', '.join(f'NULL AS {column}' for column in COLUMNS)} WHERE 1 = 0"]  # no app records any
    return "movements AS (\n    " + "\n    UNION ALL\n    ".join(selects) + "\n)"


# --- 4. movements: every record against its entry ------------------------------------------


def _movements(s: Scope):
    line, a, e = sql.Alias(JournalLine, "l"), sql.Alias(Account, "a"), sql.Alias(JournalEntry, "e")
    amount = amt(line.amount)
    credit = sql.literal(JournalLine, "direction", JournalLine.Direction.CREDIT)
    kinds = ", ".join(sorted({sql.literal(JournalEntry, "kind", m.entry_kind) for m in movement_rows(s)})) or "NULL"
    ctes = f"""{movements_cte(s)},
linked AS (
    SELECT m.kind, m.id, m.program_id, m.entry_id, {e.kind} AS entry_kind, {e.program_id} AS entry_program
    FROM movements m LEFT JOIN {e} ON {e.id} = m.entry_id
),
wallet_moves AS (
    SELECT {line.entry_id} AS entry_id, {a.participant_id} AS participant_id, {a.asset_id} AS asset_id,
           SUM(CASE WHEN {line.direction} = {credit} THEN {amount} ELSE -{amount} END) AS net_credit
    FROM {line} JOIN {a} ON {a.id} = {line.account_id}
    WHERE {a.type} IN ({sql.literal(Account, "type", Account.Type.WALLET)}, {sql.literal(Account, "type", Account.Type.PENDING)}){s.on(a)}
    GROUP BY {line.entry_id}, {a.participant_id}, {a.asset_id}
)"""
    return ctes, [
        Probe(
            "movement_entry_kind", "id", "entry_id", "kind", "COALESCE(entry_kind, 'missing')",
            "FROM linked WHERE entry_kind IS NULL OR entry_kind <> kind",
        ),
        Probe(
            "movement_entry_program", "id", "entry_id", "program_id", "entry_program",
            "FROM linked WHERE entry_program <> program_id",
        ),
        Probe(
            "movement_wallet_mismatch", "m.id", "m.entry_id", "m.amount * m.sign", "COALESCE(w.net_credit, 0)",
            "FROM movements m LEFT JOIN wallet_moves w ON w.entry_id = m.entry_id "
            "AND w.participant_id = m.participant_id AND w.asset_id = m.asset_id "
            "WHERE COALESCE(w.net_credit, 0) <> m.amount * m.sign",
        ),
        Probe(
            "entry_without_movement", e.id, "NULL", e.kind, "'missing'",
            f"FROM {e} LEFT JOIN movements m ON m.entry_id = {e.id} "
            f"WHERE {e.kind} IN ({kinds}) AND m.id IS NULL{s.on(e)}",
        ),
    ]


MOVEMENTS = Check(
    "movements",
    "Every movement record (accrual, redemption, reversal) has its own journal entry of its kind and program "
    "that moves the participant's holding (wallet and PENDING account together) by its amount; every entry of "
    "a movement's kind has its record.",
    (
        Issue("movement_entry_kind", "record whose journal entry is of another kind", "record", "entry",
              "kind", "entry kind", TEXT, TEXT),
        Issue("movement_entry_program", "record whose journal entry is of another program", "record", "entry",
              "program", "entry program", ID, ID),
        Issue("movement_wallet_mismatch", "entry moves the participant's wallet by another amount (net credit)",
              "record", "entry", "record amount", "wallet net credit"),
        Issue("entry_without_movement", "journal entry without the record of its kind", "entry", None,
              "record of kind", "found", TEXT, TEXT),
    ),
    _movements,
    order=40,
)


# --- 6. idempotency records ------------------------------------------------------------------


def _idempotency(s: Scope):
    i = sql.Alias(IdempotencyRecord, "i")
    return movements_cte(s), [
        Probe(
            "idempotency_record_dangling", i.id, i.resource_id, i.kind, "'missing'",
            f"FROM {i} LEFT JOIN movements m "
            f"ON m.id = {i.resource_id} AND m.key_kind = {i.kind} AND m.program_id = {i.program_id} "
            f"WHERE m.id IS NULL{s.on(i)}",
        ),
        Probe(
            "idempotency_key_mismatch", i.id, i.resource_id, i.key, "COALESCE(m.idempotency_key, 'NULL')",
            f"FROM {i} JOIN movements m "
            f"ON m.id = {i.resource_id} AND m.key_kind = {i.kind} AND m.program_id = {i.program_id} "
            f"WHERE (m.idempotency_key IS NULL OR m.idempotency_key <> {i.key}){s.on(i)}",
        ),
        Probe(
            "movement_key_unrecorded", "m.id", i.id, "m.idempotency_key",
            f"COALESCE({i.kind} || ' ' || CAST({i.resource_id} AS TEXT), 'missing')",
            f"FROM movements m LEFT JOIN {i} ON {i.program_id} = m.program_id AND {i.key} = m.idempotency_key "
            f"WHERE m.idempotency_key IS NOT NULL "
            f"AND ({i.id} IS NULL OR {i.kind} <> m.key_kind OR {i.resource_id} <> m.id)",
        ),
    ]


IDEMPOTENCY = Check(
    "idempotency_records",
    "Every idempotency record points at an existing accrual, redemption or reversal of its kind and program "
    "with the same key, and every movement made with a key has that record.",
    (
        Issue("idempotency_record_dangling", "idempotency record pointing at nothing of its kind and program",
              "record", "resource", "kind", "found", TEXT, TEXT),
        Issue("idempotency_key_mismatch", "idempotency record whose movement carries another key",
              "record", "resource", "key", "movement key", TEXT, TEXT),
        Issue("movement_key_unrecorded", "movement whose key has no idempotency record pointing at it",
              "movement", "record", "key", "key points at", TEXT, TEXT),
    ),
    _idempotency,
    order=60,
)
