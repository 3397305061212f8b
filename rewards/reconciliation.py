"""
What the reconciliation (``ledger.reconciliation``) reads of this app:
redemptions and reversals are movement records; the ``movements`` check
also proves what reversals did to their redemption, and ``reward_stock``
proves the reward and per-participant counters.
"""

from __future__ import annotations

from ledger.models import JournalEntry
from ledger.reconciliation.dialect import amt
from ledger.reconciliation.probes import COUNT, ID, TEXT, Check, CheckPart, Issue, Probe, Scope
from ledger.reconciliation.registry import Contribution, MovementRows
from loyalty import sql
from loyalty.models import IdempotencyRecord
from participants.models import Accrual
from rewards.models import ParticipantRewardCount, Redemption, RedemptionAllocation, Reversal, Reward, RewardCode
from rewards.stock import stock_status_sql


def redemption_rows(s: Scope) -> MovementRows:
    """A redemption posts a REDEMPTION entry that debits the participant's wallet by its amount."""
    r = sql.Alias(Redemption, "r")
    return MovementRows(
        entry_kind=JournalEntry.Kind.REDEMPTION,
        key_kind=IdempotencyRecord.Kind.REDEMPTION,
        sign=-1,
        id=r.id,
        program_id=r.program_id,
        entry_id=r.journal_entry_id,
        participant_id=r.participant_id,
        asset_id=r.asset_id,
        amount=r.amount,
        idempotency_key=r.idempotency_key,
        source=f"FROM {r} WHERE 1 = 1{s.on(r)}",
    )


def reversal_rows(s: Scope) -> MovementRows:
    """A reversal posts a REVERSAL entry that credits its redemption's participant's wallet by its amount."""
    v, r = sql.Alias(Reversal, "v"), sql.Alias(Redemption, "r")
    return MovementRows(
        entry_kind=JournalEntry.Kind.REVERSAL,
        key_kind=IdempotencyRecord.Kind.REVERSAL,
        sign=1,
        id=v.id,
        program_id=v.program_id,
        entry_id=v.journal_entry_id,
        participant_id=r.participant_id,
        asset_id=r.asset_id,
        amount=v.amount,
        idempotency_key=v.idempotency_key,
        source=f"FROM {v} JOIN {r} ON {r.id} = {v.redemption_id} WHERE 1 = 1{s.on(v)}",
    )


def status(value: str) -> str:
    return sql.literal(Redemption, "status", value)


# --- the movements check: reversals against their redemption -----------------------------


def _reversed(s: Scope):
    v, r, e = sql.Alias(Reversal, "v"), sql.Alias(Redemption, "r"), sql.Alias(JournalEntry, "e")
    ctes = f"""reversed AS (
    SELECT {v.redemption_id} AS redemption_id, SUM({amt(v.amount)}) AS amount, SUM({v.quantity}) AS quantity
    FROM {v} WHERE 1 = 1{s.on(v)}
    GROUP BY {v.redemption_id}
)"""
    reversed_amount, redeemed = amt(r.reversed_amount), amt(r.amount)
    expected_quantity = f"CASE WHEN {r.quantity} IS NULL THEN 'NULL' ELSE CAST(COALESCE(x.quantity, 0) AS TEXT) END"
    stored_quantity = f"COALESCE(CAST({r.reversed_quantity} AS TEXT), 'NULL')"
    expected_status = (
        f"CASE WHEN {reversed_amount} = 0 THEN {status(Redemption.Status.COMPLETED)} "
        f"WHEN {reversed_amount} < {redeemed} THEN {status(Redemption.Status.PARTIALLY_REVERSED)} "
        f"ELSE {status(Redemption.Status.FULLY_REVERSED)} END"
    )
    with_reversals = f"FROM {r} LEFT JOIN reversed x ON x.redemption_id = {r.id}"
    return ctes, [
        Probe(
            "reversal_not_linked", v.id, v.redemption_id, r.journal_entry_id, e.reverses_id,
            f"FROM {v} JOIN {r} ON {r.id} = {v.redemption_id} JOIN {e} ON {e.id} = {v.journal_entry_id} "
            f"WHERE ({e.reverses_id} IS NULL OR {e.reverses_id} <> {r.journal_entry_id}){s.on(v)}",
        ),
        Probe(
            "redemption_reversed_amount_mismatch", r.id, "NULL", "COALESCE(x.amount, 0)", reversed_amount,
            f"{with_reversals} WHERE {reversed_amount} <> COALESCE(x.amount, 0){s.on(r)}",
        ),
        Probe(
            "redemption_reversed_quantity_mismatch", r.id, "NULL", expected_quantity, stored_quantity,
            f"{with_reversals} WHERE {expected_quantity} <> {stored_quantity}{s.on(r)}",
        ),
        Probe(
            "redemption_over_reversed", r.id, "NULL", redeemed, "x.amount",
            f"FROM {r} JOIN reversed x ON x.redemption_id = {r.id} WHERE x.amount > {redeemed}{s.on(r)}",
        ),
        Probe(
            "redemption_over_reversed_quantity", r.id, "NULL", r.quantity, "x.quantity",
            f"FROM {r} JOIN reversed x ON x.redemption_id = {r.id} "
            f"WHERE x.quantity > COALESCE({r.quantity}, 0){s.on(r)}",
        ),
        Probe(
            "redemption_status_mismatch", r.id, "NULL", expected_status, r.status,
            f"FROM {r} WHERE {r.status} <> {expected_status}{s.on(r)}",
        ),
    ]


REVERSED = CheckPart(
    "movements",
    "Reversals point at the redemption's entry; reversed_amount/reversed_quantity equal the sums of the "
    "reversals, never exceed the redemption, and the status matches.",
    (
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
    _reversed,
)


# --- 5. reward stock and counters -------------------------------------------------------------


def _reward_stock(s: Scope):
    v, r, w = sql.Alias(Reversal, "v"), sql.Alias(Redemption, "r"), sql.Alias(Reward, "w")
    c = sql.Alias(ParticipantRewardCount, "c")
    ctes = f"""returned AS (
    SELECT {v.redemption_id} AS redemption_id, SUM({v.stock_returned}) AS units
    FROM {v} WHERE 1 = 1{s.on(v)}
    GROUP BY {v.redemption_id}
),
held AS (
    SELECT {r.reward_id} AS reward_id, {r.participant_id} AS participant_id,
           SUM({r.stock_units} - COALESCE(x.units, 0)) AS units
    FROM {r} LEFT JOIN returned x ON x.redemption_id = {r.id}
    WHERE {r.reward_id} IS NOT NULL{s.on(r)}
    GROUP BY {r.reward_id}, {r.participant_id}
),
per_reward AS (
    SELECT reward_id, SUM(units) AS units FROM held GROUP BY reward_id
),
{_codes_ctes()}"""
    expected_status = stock_status_sql(
        status=w.status, max_total=w.max_total, redeemed_count=w.redeemed_count, codes_available=w.codes_available
    )
    unit_based = sql.literal(Reward, "type", Reward.Type.UNIT_BASED)
    expected_units = (
        f"CASE WHEN {r.reward_id} IS NULL THEN 0 "
        f"WHEN {w.type} = {unit_based} THEN COALESCE({r.quantity}, -1) ELSE 1 END"
    )
    return ctes, [
        Probe(
            "reward_redeemed_count_mismatch", w.id, "NULL", "COALESCE(p.units, 0)", w.redeemed_count,
            f"FROM {w} LEFT JOIN per_reward p ON p.reward_id = {w.id} "
            f"WHERE {w.redeemed_count} <> COALESCE(p.units, 0){s.on(w)}",
        ),
        Probe(
            "participant_count_mismatch", c.reward_id, c.participant_id, "COALESCE(h.units, 0)", c.count,
            f"FROM {c} JOIN {w} ON {w.id} = {c.reward_id} "
            f"LEFT JOIN held h ON h.reward_id = {c.reward_id} AND h.participant_id = {c.participant_id} "
            f"WHERE {c.count} <> COALESCE(h.units, 0){s.on(w)}",
        ),
        Probe(
            "participant_count_mismatch", "h.reward_id", "h.participant_id", "h.units", "'missing'",
            f"FROM held h LEFT JOIN {c} ON {c.reward_id} = h.reward_id AND {c.participant_id} = h.participant_id "
            f"WHERE {c.id} IS NULL AND h.units <> 0",
        ),
        Probe(
            "reward_status_mismatch", w.id, "NULL", expected_status, w.status,
            f"FROM {w} WHERE {w.status} <> {expected_status}{s.on(w)}",
        ),
        Probe(
            "redemption_stock_units_mismatch", r.id, r.reward_id, expected_units, r.stock_units,
            f"FROM {r} LEFT JOIN {w} ON {w.id} = {r.reward_id} WHERE {r.stock_units} <> {expected_units}{s.on(r)}",
        ),
        Probe(
            "redemption_stock_over_returned", r.id, r.reward_id, r.stock_units, "x.units",
            f"FROM {r} JOIN returned x ON x.redemption_id = {r.id} WHERE x.units > {r.stock_units}{s.on(r)}",
        ),
        *_codes_probes(s),
    ]


# --- reward codes (part of reward_stock) ---------------------------------------------------------


def _codes_ctes() -> str:
    k = sql.Alias(RewardCode, "k")
    issued, voided, available = (sql.literal(RewardCode, "state", state) for state in ("ISSUED", "VOIDED", "AVAILABLE"))
    return f"""codes_held AS (
    SELECT {k.redemption_id} AS redemption_id,
           SUM(CASE WHEN {k.state} = {issued} THEN 1 ELSE 0 END) AS issued,
           SUM(CASE WHEN {k.state} = {voided} THEN 1 ELSE 0 END) AS voided
    FROM {k} WHERE {k.redemption_id} IS NOT NULL
    GROUP BY {k.redemption_id}
),
codes_free AS (
    SELECT {k.reward_id} AS reward_id, COUNT(*) AS n FROM {k} WHERE {k.state} = {available} GROUP BY {k.reward_id}
)"""


def _codes_probes(s: Scope) -> list[Probe]:
    k, r, w = sql.Alias(RewardCode, "k"), sql.Alias(Redemption, "r"), sql.Alias(Reward, "w")
    codes = sql.literal(Redemption, "fulfilment", Reward.Fulfilment.CODES)
    reward_codes = sql.literal(Reward, "fulfilment", Reward.Fulfilment.CODES)
    kept = f"{r.quantity} - COALESCE({r.reversed_quantity}, 0)"
    held = "COALESCE(x.issued, 0)"
    void = "COALESCE(x.voided, 0)"
    return [
        # Every issued (or voided) code belongs to one redemption, of its reward, that hands out codes.
        Probe(
            "code_redemption_mismatch", k.id, k.redemption_id, k.reward_id,
            f"COALESCE(CAST({r.reward_id} AS TEXT), 'none')",
            f"FROM {k} JOIN {w} ON {w.id} = {k.reward_id} LEFT JOIN {r} ON {r.id} = {k.redemption_id} "
            f"WHERE {k.redemption_id} IS NOT NULL AND ({r.id} IS NULL OR {r.reward_id} IS NULL "
            f"OR {r.reward_id} <> {k.reward_id} OR {r.fulfilment} <> {codes})"  # tenants: the tenants check
            f"{s.on(w)}",
        ),
        # Each CODES redemption holds one code per unit not reversed, plus one voided code per reversed unit.
        Probe(
            "redemption_codes_mismatch", r.id, r.reward_id,
            f"CAST({kept} AS TEXT) || ' issued, ' || CAST(COALESCE({r.reversed_quantity}, 0) AS TEXT) || ' voided'",
            f"CAST({held} AS TEXT) || ' issued, ' || CAST({void} AS TEXT) || ' voided'",
            f"FROM {r} LEFT JOIN codes_held x ON x.redemption_id = {r.id} WHERE {r.fulfilment} = {codes} "
            f"AND ({held} <> {kept} OR {void} <> COALESCE({r.reversed_quantity}, 0)){s.on(r)}",
        ),
        # The reward's counter (which its status follows, see reward_status_mismatch) is its available codes.
        Probe(
            "reward_codes_available_mismatch", w.id, "NULL", "COALESCE(f.n, 0)",
            f"COALESCE(CAST({w.codes_available} AS TEXT), 'NULL')",
            f"FROM {w} LEFT JOIN codes_free f ON f.reward_id = {w.id} "
            f"WHERE (({w.fulfilment} = {reward_codes} AND {w.codes_available} <> COALESCE(f.n, 0)) "
            f"OR ({w.fulfilment} <> {reward_codes} AND f.n IS NOT NULL)){s.on(w)}",
        ),
    ]


REWARD_STOCK = Check(
    "reward_stock",
    "Every reward's redeemed_count and every per-participant count equal the units the redemptions took "
    "minus what the reversals returned; the status follows the stock rule (rewards/stock.py): OUT_OF_STOCK "
    "exactly when redeemed_count >= max_total or a CODES reward has no available code, unless INACTIVE. "
    "Every issued code belongs to one redemption of its reward; each CODES redemption holds one code per unit "
    "not reversed plus its voided codes; a CODES reward's codes_available counts its AVAILABLE codes.",
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
        Issue("code_redemption_mismatch", "issued code that does not belong to a CODES redemption of its reward",
              "reward code", "redemption", "reward", "redemption's reward", ID, ID),
        Issue("redemption_codes_mismatch", "codes held differ from the units not reversed and those reversed",
              "redemption", "reward", "implied", "held", TEXT, TEXT),
        Issue("reward_codes_available_mismatch", "codes_available differs from the reward's AVAILABLE codes",
              "reward", None, "available codes", "stored", COUNT, TEXT),
    ),
    _reward_stock,
    order=50,
)


# --- allocations: what each redemption took from lots ----------------------------------------


def _allocations(s: Scope):
    r, x = sql.Alias(Redemption, "ar"), sql.Alias(RedemptionAllocation, "ax")
    lot = sql.Alias(Accrual, "al")
    true = "TRUE" if sql.is_postgresql() else "1"
    ctes = f"""allocated AS (
    SELECT {x.redemption_id} AS redemption_id, SUM({amt(x.amount)}) AS net
    FROM {x} GROUP BY {x.redemption_id}
),
lot_net AS (
    SELECT {x.redemption_id} AS redemption_id, {x.accrual_id} AS accrual_id, SUM({amt(x.amount)}) AS net
    FROM {x} GROUP BY {x.redemption_id}, {x.accrual_id}
)"""
    return ctes, [
        Probe(
            "allocations_mismatch", r.id, r.participant_id, f"{amt(r.amount)} - {amt(r.reversed_amount)}",
            "COALESCE(y.net, 0)",
            f"FROM {r} LEFT JOIN allocated y ON y.redemption_id = {r.id} "
            f"WHERE {r.allocations_tracked} = {true} "
            f"AND COALESCE(y.net, 0) <> {amt(r.amount)} - {amt(r.reversed_amount)}{s.on(r)}",
        ),
        Probe(
            "allocation_of_other_wallet", "n.redemption_id", "n.accrual_id", r.participant_id, lot.participant_id,
            f"FROM lot_net n JOIN {r} ON {r.id} = n.redemption_id JOIN {lot} ON {lot.id} = n.accrual_id "
            f"WHERE ({lot.participant_id} <> {r.participant_id} OR {lot.asset_id} <> {r.asset_id} OR n.net < 0){s.on(r)}",
        ),
    ]


ALLOCATIONS = Check(
    "redemption_allocations",
    "Every redemption (made since the points lifecycle) holds, over its allocations, its amount net of "
    "reversals, taken from lots of its own participant and asset, never less than nothing from a lot.",
    (
        Issue("allocations_mismatch", "allocations differ from the amount net of reversals", "redemption",
              "participant", "amount - reversed", "allocated"),
        Issue("allocation_of_other_wallet", "allocation from a lot of another participant or asset, or a lot "
              "given back more than was taken", "redemption", "lot", "participant", "lot participant", ID, ID),
    ),
    _allocations,
    order=55,
)


CONTRIBUTION = Contribution(
    checks=(REWARD_STOCK, ALLOCATIONS), parts=(REVERSED,), movements=(redemption_rows, reversal_rows)
)
