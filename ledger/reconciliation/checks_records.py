"""
Checks 4-6, the records against the ledger: movements (accruals, redemptions,
reversals), reward stock and counters, idempotency records.
"""

from __future__ import annotations

from ledger.reconciliation.books import Scope
from ledger.reconciliation.dialect import Dialect, Tables
from ledger.reconciliation.probes import COUNT, ID, TEXT, Check, Issue, Probe

# --- 4. movements: accruals, redemptions, reversals against their entries ----------------


def _movements(d: Dialect, t: Tables, s: Scope):
    amount = d.amt("l.amount")
    ctes = f"""movements AS (
    SELECT 'ACCRUAL' AS kind, c.id, c.program_id, c.journal_entry_id AS entry_id, c.participant_id, c.asset_id,
           {d.amt('c.amount')} AS amount, 1 AS sign
    FROM {t.accrual} c WHERE 1 = 1{s.on('c')}
    UNION ALL
    SELECT 'REDEMPTION', r.id, r.program_id, r.journal_entry_id, r.participant_id, r.asset_id,
           {d.amt('r.amount')}, -1
    FROM {t.redemption} r WHERE 1 = 1{s.on('r')}
    UNION ALL
    SELECT 'REVERSAL', v.id, v.program_id, v.journal_entry_id, r.participant_id, r.asset_id,
           {d.amt('v.amount')}, 1
    FROM {t.reversal} v JOIN {t.redemption} r ON r.id = v.redemption_id WHERE 1 = 1{s.on('v')}
),
linked AS (
    SELECT m.kind, m.id, m.program_id, m.entry_id, e.kind AS entry_kind, e.program_id AS entry_program
    FROM movements m LEFT JOIN {t.entry} e ON e.id = m.entry_id
),
wallet_moves AS (
    SELECT l.entry_id, a.participant_id, a.asset_id,
           SUM(CASE WHEN l.direction = 'CREDIT' THEN {amount} ELSE -{amount} END) AS net_credit
    FROM {t.line} l JOIN {t.account} a ON a.id = l.account_id
    WHERE a.type = 'WALLET'{s.on('a')}
    GROUP BY l.entry_id, a.participant_id, a.asset_id
),
reversed AS (
    SELECT v.redemption_id, SUM({d.amt('v.amount')}) AS amount, SUM(v.quantity) AS quantity
    FROM {t.reversal} v WHERE 1 = 1{s.on('v')}
    GROUP BY v.redemption_id
)"""
    reversed_amount, redeemed = d.amt("r.reversed_amount"), d.amt("r.amount")
    expected_quantity = (
        "CASE WHEN r.quantity IS NULL THEN 'NULL' ELSE CAST(COALESCE(x.quantity, 0) AS TEXT) END"
    )
    stored_quantity = "COALESCE(CAST(r.reversed_quantity AS TEXT), 'NULL')"
    expected_status = (
        f"CASE WHEN {reversed_amount} = 0 THEN 'COMPLETED' "
        f"WHEN {reversed_amount} < {redeemed} THEN 'PARTIALLY_REVERSED' ELSE 'FULLY_REVERSED' END"
    )
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
            "entry_without_movement", "e.id", "NULL", "e.kind", "'missing'",
            f"FROM {t.entry} e LEFT JOIN movements m ON m.entry_id = e.id "
            f"WHERE e.kind IN ('ACCRUAL', 'REDEMPTION', 'REVERSAL') AND m.id IS NULL{s.on('e')}",
        ),
        Probe(
            "reversal_not_linked", "v.id", "v.redemption_id", "r.journal_entry_id", "e.reverses_id",
            f"FROM {t.reversal} v JOIN {t.redemption} r ON r.id = v.redemption_id "
            f"JOIN {t.entry} e ON e.id = v.journal_entry_id "
            f"WHERE (e.reverses_id IS NULL OR e.reverses_id <> r.journal_entry_id){s.on('v')}",
        ),
        Probe(
            "redemption_reversed_amount_mismatch", "r.id", "NULL", "COALESCE(x.amount, 0)", reversed_amount,
            f"FROM {t.redemption} r LEFT JOIN reversed x ON x.redemption_id = r.id "
            f"WHERE {reversed_amount} <> COALESCE(x.amount, 0){s.on('r')}",
        ),
        Probe(
            "redemption_reversed_quantity_mismatch", "r.id", "NULL", expected_quantity, stored_quantity,
            f"FROM {t.redemption} r LEFT JOIN reversed x ON x.redemption_id = r.id "
            f"WHERE {expected_quantity} <> {stored_quantity}{s.on('r')}",
        ),
        Probe(
            "redemption_over_reversed", "r.id", "NULL", redeemed, "x.amount",
            f"FROM {t.redemption} r JOIN reversed x ON x.redemption_id = r.id WHERE x.amount > {redeemed}{s.on('r')}",
        ),
        Probe(
            "redemption_over_reversed_quantity", "r.id", "NULL", "r.quantity", "x.quantity",
            f"FROM {t.redemption} r JOIN reversed x ON x.redemption_id = r.id "
            f"WHERE x.quantity > COALESCE(r.quantity, 0){s.on('r')}",
        ),
        Probe(
            "redemption_status_mismatch", "r.id", "NULL", expected_status, "r.status",
            f"FROM {t.redemption} r WHERE r.status <> {expected_status}{s.on('r')}",
        ),
    ]


MOVEMENTS = Check(
    "movements",
    "Every accrual, redemption and reversal has its own journal entry of its kind and program that moves "
    "the participant's wallet by its amount; every REDEMPTION/REVERSAL/ACCRUAL entry has its record; "
    "reversals point at the redemption's entry; reversed_amount/reversed_quantity equal the sums of the "
    "reversals, never exceed the redemption, and the status matches.",
    (
        Issue("movement_entry_kind", "record whose journal entry is of another kind", "record", "entry",
              "kind", "entry kind", TEXT, TEXT),
        Issue("movement_entry_program", "record whose journal entry is of another program", "record", "entry",
              "program", "entry program", ID, ID),
        Issue("movement_wallet_mismatch", "entry moves the participant's wallet by another amount (net credit)",
              "record", "entry", "record amount", "wallet net credit"),
        Issue("entry_without_movement", "journal entry without the record of its kind", "entry", None,
              "record of kind", "found", TEXT, TEXT),
        Issue("reversal_not_linked", "reversal entry that does not point at its redemption's entry",
              "reversal", "redemption", "redemption entry", "entry reverses", ID, ID),
        Issue("redemption_reversed_amount_mismatch", "reversed_amount differs from the sum of the reversals",
              "redemption", None, "sum of reversals", "stored"),
        Issue("redemption_reversed_quantity_mismatch", "reversed_quantity differs from the sum of the reversals",
              "redemption", None, "sum of reversals", "stored", TEXT, TEXT),
        Issue("redemption_over_reversed", "reversals add up to more than the redemption",
              "redemption", None, "amount", "reversed"),
        Issue("redemption_over_reversed_quantity", "reversals add up to more units than the redemption",
              "redemption", None, "quantity", "reversed", COUNT, COUNT),
        Issue("redemption_status_mismatch", "status does not match reversed_amount",
              "redemption", None, "status", "stored", TEXT, TEXT),
    ),
    _movements,
)


# --- 5. reward stock and counters -------------------------------------------------------------


def _reward_stock(d: Dialect, t: Tables, s: Scope):
    ctes = f"""returned AS (
    SELECT v.redemption_id, SUM(v.stock_returned) AS units
    FROM {t.reversal} v WHERE 1 = 1{s.on('v')}
    GROUP BY v.redemption_id
),
held AS (
    SELECT r.reward_id, r.participant_id, SUM(r.stock_units - COALESCE(x.units, 0)) AS units
    FROM {t.redemption} r LEFT JOIN returned x ON x.redemption_id = r.id
    WHERE r.reward_id IS NOT NULL{s.on('r')}
    GROUP BY r.reward_id, r.participant_id
),
per_reward AS (
    SELECT reward_id, SUM(units) AS units FROM held GROUP BY reward_id
)"""
    expected_status = (
        "CASE WHEN w.status = 'INACTIVE' THEN 'INACTIVE' "
        "WHEN w.max_total IS NOT NULL AND w.redeemed_count >= w.max_total THEN 'OUT_OF_STOCK' ELSE 'ACTIVE' END"
    )
    expected_units = (
        "CASE WHEN r.reward_id IS NULL THEN 0 WHEN w.type = 'UNIT_BASED' THEN COALESCE(r.quantity, -1) ELSE 1 END"
    )
    return ctes, [
        Probe(
            "reward_redeemed_count_mismatch", "w.id", "NULL", "COALESCE(p.units, 0)", "w.redeemed_count",
            f"FROM {t.reward} w LEFT JOIN per_reward p ON p.reward_id = w.id "
            f"WHERE w.redeemed_count <> COALESCE(p.units, 0){s.on('w')}",
        ),
        Probe(
            "participant_count_mismatch", "c.reward_id", "c.participant_id", "COALESCE(h.units, 0)", "c.count",
            f"FROM {t.participant_count} c JOIN {t.reward} w ON w.id = c.reward_id "
            "LEFT JOIN held h ON h.reward_id = c.reward_id AND h.participant_id = c.participant_id "
            f"WHERE c.count <> COALESCE(h.units, 0){s.on('w')}",
        ),
        Probe(
            "participant_count_mismatch", "h.reward_id", "h.participant_id", "h.units", "'missing'",
            f"FROM held h LEFT JOIN {t.participant_count} c "
            "ON c.reward_id = h.reward_id AND c.participant_id = h.participant_id "
            "WHERE c.id IS NULL AND h.units <> 0",
        ),
        Probe(
            "reward_status_mismatch", "w.id", "NULL", expected_status, "w.status",
            f"FROM {t.reward} w WHERE w.status <> {expected_status}{s.on('w')}",
        ),
        Probe(
            "redemption_stock_units_mismatch", "r.id", "r.reward_id", expected_units, "r.stock_units",
            f"FROM {t.redemption} r LEFT JOIN {t.reward} w ON w.id = r.reward_id "
            f"WHERE r.stock_units <> {expected_units}{s.on('r')}",
        ),
        Probe(
            "redemption_stock_over_returned", "r.id", "r.reward_id", "r.stock_units", "x.units",
            f"FROM {t.redemption} r JOIN returned x ON x.redemption_id = r.id WHERE x.units > r.stock_units{s.on('r')}",
        ),
    ]


REWARD_STOCK = Check(
    "reward_stock",
    "Every reward's redeemed_count and every per-participant count equal the units the redemptions took "
    "minus what the reversals returned; OUT_OF_STOCK exactly when redeemed_count >= max_total (unless INACTIVE).",
    (
        Issue("reward_redeemed_count_mismatch", "redeemed_count differs from redemptions - returns",
              "reward", None, "implied", "stored", COUNT, COUNT),
        Issue("participant_count_mismatch", "per-participant count differs from redemptions - returns",
              "reward", "participant", "implied", "stored", COUNT, COUNT),
        Issue("reward_status_mismatch", "status does not match the stock", "reward", None,
              "status", "stored", TEXT, TEXT),
        Issue("redemption_stock_units_mismatch", "stock_units does not match the redemption's shape",
              "redemption", "reward", "implied", "stored", COUNT, COUNT),
        Issue("redemption_stock_over_returned", "reversals returned more units than the redemption took",
              "redemption", "reward", "took", "returned", COUNT, COUNT),
    ),
    _reward_stock,
)


# --- 6. idempotency records -----------------------------------------------------------------------


def _idempotency(d: Dialect, t: Tables, s: Scope):
    ctes = f"""keyed AS (
    SELECT 'ACCRUAL' AS kind, c.id, c.program_id, c.idempotency_key FROM {t.accrual} c WHERE 1 = 1{s.on('c')}
    UNION ALL
    SELECT 'REDEMPTION', r.id, r.program_id, r.idempotency_key FROM {t.redemption} r WHERE 1 = 1{s.on('r')}
    UNION ALL
    SELECT 'REVERSAL', v.id, v.program_id, v.idempotency_key FROM {t.reversal} v WHERE 1 = 1{s.on('v')}
)"""
    return ctes, [
        Probe(
            "idempotency_record_dangling", "i.id", "i.resource_id", "i.kind", "'missing'",
            f"FROM {t.idempotency} i LEFT JOIN keyed m "
            "ON m.id = i.resource_id AND m.kind = i.kind AND m.program_id = i.program_id "
            f"WHERE m.id IS NULL{s.on('i')}",
        ),
        Probe(
            "idempotency_key_mismatch", "i.id", "i.resource_id", "i.key", "COALESCE(m.idempotency_key, 'NULL')",
            f"FROM {t.idempotency} i JOIN keyed m "
            "ON m.id = i.resource_id AND m.kind = i.kind AND m.program_id = i.program_id "
            f"WHERE (m.idempotency_key IS NULL OR m.idempotency_key <> i.key){s.on('i')}",
        ),
        Probe(
            "movement_key_unrecorded", "m.id", "i.id", "m.idempotency_key",
            "COALESCE(i.kind || ' ' || CAST(i.resource_id AS TEXT), 'missing')",
            f"FROM keyed m LEFT JOIN {t.idempotency} i ON i.program_id = m.program_id AND i.key = m.idempotency_key "
            "WHERE m.idempotency_key IS NOT NULL AND (i.id IS NULL OR i.kind <> m.kind OR i.resource_id <> m.id)",
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
)
