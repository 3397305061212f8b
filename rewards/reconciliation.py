"""
What the reconciliation (``ledger.reconciliation``) reads of this app:
redemptions and reversals are movement records; the ``movements`` check
also proves what reversals did to their redemption, and ``reward_stock``
proves the reward and per-participant counters.
"""

from __future__ import annotations

import re

from django.conf import settings

from events import types
from events.models import Event
from ledger.models import JournalEntry
from ledger.reconciliation.dialect import amt
from ledger.reconciliation.probes import COUNT, ID, TEXT, Check, CheckPart, Issue, Probe, Scope
from ledger.reconciliation.registry import Contribution, MovementRows
from loyalty import sql
from loyalty.models import IdempotencyRecord
from participants.models import Accrual
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward
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
)"""
    expected_status = stock_status_sql(status=w.status, max_total=w.max_total, redeemed_count=w.redeemed_count)
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
    ]


REWARD_STOCK = Check(
    "reward_stock",
    "Every reward's redeemed_count and every per-participant count equal the units the redemptions took "
    "minus what the reversals returned; the status follows the stock rule (rewards/stock.py): OUT_OF_STOCK "
    "exactly when redeemed_count >= max_total, unless INACTIVE.",
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
    order=50,
)




# --- the movements check: every movement of the retention period has its event ----------------


def _event_id_matches(ev: sql.Alias, column: str) -> str:
    """The event's ``data.id`` equals ``column`` (a UUID column: text on PostgreSQL, 32 hex digits on SQLite)."""
    if sql.is_postgresql():
        return f"{ev.data} ->> 'id' = CAST({column} AS TEXT)"
    return f"REPLACE(json_extract({ev.data}, '$.id'), '-', '') = {column}"


def _since_retention(column: str) -> str:
    """
    ``column`` is within EVENT_RETENTION_DAYS of now (older events may have
    been pruned) and after the events were installed (an installation
    upgraded from a version without events has movements without them).
    """
    days = int(max(settings.EVENT_RETENTION_DAYS, 30))
    installed = (
        f"{column} >= (SELECT applied FROM django_migrations WHERE app = 'events' AND name = '0001_events')"
    )
    if sql.is_postgresql():
        return f"{column} >= now() - interval '{days} days' AND {installed}"
    return f"{column} >= datetime('now', '-{days} days') AND {installed}"


def _announced(s: Scope):
    ev = sql.Alias(Event, "ev")
    r, v, c = sql.Alias(Redemption, "r"), sql.Alias(Reversal, "v"), sql.Alias(Accrual, "c")
    probes = []
    for alias, type in ((c, types.ACCRUAL_CREATED), (r, types.REDEMPTION_CREATED), (v, types.REDEMPTION_REVERSED)):
        assert re.fullmatch(r"[a-z_.]+", type), type  # a constant of events/types.py: nothing to escape
        kind = f"'{type}'"
        probes.append(
            Probe(
                "movement_without_event", alias.id, "NULL", kind, "'missing'",
                f"FROM {alias} WHERE {_since_retention(alias.created_at)}{s.on(alias)} AND NOT EXISTS ("
                f"SELECT 1 FROM {ev} WHERE {ev.type} = {kind} AND {_event_id_matches(ev, alias.id)})",
            )
        )
    return "", probes


ANNOUNCED = CheckPart(
    "movements",
    "Every accrual, redemption and reversal of the event retention period has its event (accrual.created, "
    "redemption.created, redemption.reversed), recorded in its transaction.",
    (
        Issue("movement_without_event", "movement whose event is missing", "movement", None, "event type",
              "event", TEXT, TEXT),
    ),
    _announced,
)


CONTRIBUTION = Contribution(
    checks=(REWARD_STOCK,), parts=(REVERSED, ANNOUNCED), movements=(redemption_rows, reversal_rows)
)
