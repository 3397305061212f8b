"""
Reward codes: an operator adds codes to a CODES reward (the API's ``POST
/rewards/{id}/codes``, the admin's file upload). Redemptions issue them and
reversals void them (``rewards.locks.codes_take``/``codes_void``).

Adding is set-based: one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` per
batch (codes already in the reward are not added and are reported), then
the reward's counter and status move under its row lock (lock order: the
new code rows, then the reward), and an ``add_codes`` audit record of the
reward holds the counts (never the codes). Codes are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from loyalty import sql
from loyalty.audit import Actor, audit_record
from loyalty.db import in_transaction
from loyalty.errors import ValidationFailed
from rewards.event_data import reward_stock_flip_record
from rewards.locks import reward_codes_added
from rewards.models import Reward, RewardCode
from rewards.stock import ACTIVE, OUT_OF_STOCK

MAX_CODES = 10_000  # per request
MAX_CODE_LENGTH = 100


@dataclass(frozen=True)
class CodesAdded:
    added: int
    duplicates: list[str]  # already in the reward, or repeated in the batch; each once
    available: int


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid code (None: it is): 1-100 printable characters, no outer whitespace."""
    if not code:
        return "A code cannot be empty."
    if len(code) > MAX_CODE_LENGTH:
        return f"A code has at most {MAX_CODE_LENGTH} characters."
    if not code.isprintable():
        return "A code has printable characters only."
    if code != code.strip():
        return "A code cannot begin or end with whitespace."
    return None


def reward_codes_add(*, reward: Reward, codes: list[str], actor: Actor | None = None) -> CodesAdded:
    """
    Add ``codes`` (already valid, see :func:`code_problem`) to a CODES reward
    (``ValidationFailed`` on ``codes`` for another reward). A reward that was
    OUT_OF_STOCK for want of codes is ACTIVE again (INACTIVE stays INACTIVE),
    with its ``reward.back_in_stock`` event in the same transaction.
    When codes were added, records ``add_codes`` on the reward with
    ``{"codes_available": [before, after]}`` (counts only, never a code).
    """
    if reward.fulfilment != Reward.Fulfilment.CODES:
        raise ValidationFailed.on("codes", "This reward's fulfilment is NONE: it hands out no codes.")
    seen: set[str] = set()
    fresh: list[str] = []
    duplicates: dict[str, None] = {}  # ordered set
    for code in codes:
        if code in seen:
            duplicates[code] = None
        else:
            seen.add(code)
            fresh.append(code)
    added, available = in_transaction(lambda: _insert(reward, fresh, actor))
    duplicates.update((code, None) for code in fresh if code not in added)
    return CodesAdded(len(added), list(duplicates), available)


def _insert(reward: Reward, codes: list[str], actor: Actor | None) -> tuple[set[str], int]:
    """Insert the codes that are new to the reward, then count them in (in the caller's transaction)."""
    now = timezone.now()
    if sql.is_postgresql():
        rc = sql.table(RewardCode)
        columns = ", ".join(
            sql.column(RewardCode, name) for name in ("tenant_id", "reward_id", "code", "state", "created_at")
        )
        rows = sql.fetchall(
            f"INSERT INTO {rc} ({columns}) "
            f"SELECT %s, %s, u.code, {sql.literal(RewardCode, 'state', RewardCode.State.AVAILABLE)}, %s "
            f"FROM unnest(%s::text[]) WITH ORDINALITY AS u(code, n) ORDER BY u.n "
            f"ON CONFLICT ({sql.column(RewardCode, 'reward_id')}, {sql.column(RewardCode, 'code')}) DO NOTHING "
            f"RETURNING {sql.column(RewardCode, 'code')}",
            [
                sql.prep(RewardCode, "tenant_id", reward.tenant_id),
                sql.prep(RewardCode, "reward_id", reward.id),
                sql.prep(RewardCode, "created_at", now),
                codes,
            ],
        )
        added = {code for (code,) in rows}
    else:  # the embedded SQLite: one writer at a time
        added = set(codes)
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            added -= set(RewardCode.objects.filter(reward_id=reward.id, code__in=chunk).values_list("code", flat=True))
        RewardCode.objects.bulk_create(
            RewardCode(tenant_id=reward.tenant_id, reward_id=reward.id, code=code) for code in codes if code in added
        )
    if not added:
        available = Reward.objects.values_list("codes_available", flat=True).get(
            id=reward.id, tenant_id=reward.tenant_id
        )
        return added, available
    available, status = reward_codes_added(tenant_id=reward.tenant_id, reward_id=reward.id, added=len(added), now=now)
    if status == ACTIVE and available - len(added) <= 0:  # it was OUT_OF_STOCK for want of codes
        reward_stock_flip_record(reward.id, tenant_id=reward.tenant_id, before=OUT_OF_STOCK, after=ACTIVE)
    audit_record(
        actor, "add_codes", "reward", reward.id, reward.program_id,
        {"codes_available": [available - len(added), available]}, tenant_id=reward.tenant_id,
    )
    return added, available
