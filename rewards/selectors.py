"""
Reads of the rewards app: the catalog, redemptions and reversals, scoped to
what an API key may see (objects of other programs do not exist for it).

Every list selects the asset its amounts are rendered with, so rendering a
page issues no query per row.
"""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from ledger.models import Asset
from loyalty import sql
from loyalty.auth import KeyScope
from loyalty.errors import NotFound
from loyalty.models import Program
from loyalty.selectors import scoped_get
from participants.models import Participant
from participants.selectors import participant_from_row, participant_visible_sql
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward, RewardCode


def reward_list(
    *, scope: KeyScope, program_id: uuid.UUID | None = None, status: str | None = None, type: str | None = None
) -> QuerySet[Reward]:
    rewards = scope.filter_visible(Reward.objects.select_related("asset"))
    if program_id is not None:
        rewards = rewards.filter(program_id=program_id)
    if status is not None:
        rewards = rewards.filter(status=status)
    if type is not None:
        rewards = rewards.filter(type=type)
    return rewards.order_by("-created_at", "-id")


def reward_get_visible(*, scope: KeyScope, reward_id: uuid.UUID) -> Reward:
    """The reward, or ``NotFound`` if it does not exist for this key."""
    return scoped_get(queryset=Reward.objects.select_related("asset"), scope=scope, object_id=reward_id, what="reward")


def catalog_redemption_parties(
    *, scope: KeyScope, participant_id: uuid.UUID, program_id: uuid.UUID, reward_id: uuid.UUID
) -> tuple[Participant, Program, Reward]:
    """
    The path's participant (with ``participant_get_visible``'s rules) and the
    program and the reward (with its asset) the body names, in ONE
    hand-written query (see ``loyalty.sql``): a catalog redemption's reads
    before its transaction take one round trip. ``NotFound`` for the
    participant first, then for a program the key may not see (of another
    tenant, or not among the key's programs), then for a reward that is not
    that program's.
    """
    who = participant_visible_sql(scope=scope, participant_id=participant_id)
    what = _targets_sql(scope=scope, program_id=program_id, reward_id=reward_id)
    if who is None or what is None:  # a key scoped to no program sees neither
        participant_from_row(None)
    # One row whatever is found: each side's columns are NULL when it finds nothing.
    row = sql.fetchone(
        f"SELECT w.*, t.* FROM (SELECT 1 AS one) o LEFT JOIN ({who[0]}) w ON 1 = 1 LEFT JOIN ({what[0]}) t ON 1 = 1",
        who[1] + what[1],
    )
    participant = participant_from_row(row)
    program, reward = _targets_from_row(row, sql.width(Participant))
    return participant, program, reward


def _targets_sql(*, scope: KeyScope, program_id: uuid.UUID, reward_id: uuid.UUID) -> tuple[str, list] | None:
    """The program, reward and asset's query and parameters; None when the key can see no program at all."""
    p, r, a = sql.Alias(Program, "p"), sql.Alias(Reward, "r"), sql.Alias(Asset, "a")
    reward_on = f"{r.id} = %s AND {r.program_id} = {p.id} AND {r.tenant_id} = {p.tenant_id}"
    query = (
        f"SELECT {sql.select_list(Program, 'p')}, {sql.select_list(Reward, 'r')}, {sql.select_list(Asset, 'a')} "
        f"FROM {p} LEFT JOIN {r} ON {reward_on} "
        f"LEFT JOIN {a} ON {a.id} = {r.asset_id} AND {a.tenant_id} = {r.tenant_id} "
        f"WHERE {p.id} = %s AND {p.tenant_id} = %s"
    )
    params = [sql.prep(Reward, "id", reward_id), sql.prep(Program, "id", program_id), sql.prep(Program, "tenant_id", scope.tenant_id)]
    if not scope.all_programs:
        if not scope.program_ids:
            return None
        programs, program_params = sql.in_list(Program, "id", sorted(scope.program_ids))
        query += f" AND {p.id} {programs}"
        params += program_params
    return query, params


def _targets_from_row(row, start: int) -> tuple[Program, Reward]:
    """The program and reward (with its asset) :func:`_targets_sql` selected at ``row[start:]``, or ``NotFound``."""
    if row is None or row[start] is None:
        raise NotFound("Unknown program.")
    reward_at = start + sql.width(Program)
    if row[reward_at] is None:
        raise NotFound("Unknown reward.")
    reward = sql.from_row(Reward, row, reward_at)
    reward.asset = sql.from_row(Asset, row, reward_at + sql.width(Reward))
    return sql.from_row(Program, row, start), reward


def participant_reward_count(*, tenant_id: uuid.UUID, reward_id: uuid.UUID, participant_id: uuid.UUID) -> int:
    """How much of the reward the participant holds (0 before a first redemption)."""
    held = ParticipantRewardCount.objects.filter(tenant_id=tenant_id, reward_id=reward_id, participant_id=participant_id)
    return held.values_list("count", flat=True).first() or 0


def redemption_list(
    *,
    scope: KeyScope,
    program_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    reward_id: uuid.UUID | None = None,
    status: str | None = None,
) -> QuerySet[Redemption]:
    """Redemptions of the key's programs; the caller orders/paginates (newest first)."""
    redemptions = scope.filter_visible(Redemption.objects.select_related("asset").prefetch_related("allocation_rows"))
    for field, value in (
        ("program_id", program_id),
        ("participant_id", participant_id),
        ("reward_id", reward_id),
        ("status", status),
    ):
        if value is not None:
            redemptions = redemptions.filter(**{field: value})
    return redemptions


def redemption_get_visible(*, scope: KeyScope, redemption_id: uuid.UUID) -> Redemption:
    """The redemption, or ``NotFound`` if it does not exist for this key."""
    queryset = Redemption.objects.select_related("asset").prefetch_related("allocation_rows")
    return scoped_get(queryset=queryset, scope=scope, object_id=redemption_id, what="redemption")


def reversal_list(*, redemption: Redemption) -> QuerySet[Reversal]:
    """The reversals of one (visible) redemption, each with its redemption for rendering."""
    return (
        Reversal.objects.filter(tenant_id=redemption.tenant_id, redemption_id=redemption.id)
        .select_related("redemption__asset")
        .prefetch_related("redemption__allocation_rows")
    )


# --- reward codes -------------------------------------------------------------------------
# A redemption of a CODES reward renders its codes: every code issued to it, one per unit, in
# issue order (``codes``), and those a reversal voided, the last issued first (``voided_codes``);
# both None for other redemptions. They are loaded once per redemption (one query for a page).

_CODES = "_reward_codes"  # the attribute that holds a redemption's loaded (code, state) pairs


def redemption_codes_known(redemption: Redemption, *, issued: list[str]) -> None:
    """Record the codes just issued to ``redemption`` (its response needs no query)."""
    setattr(redemption, _CODES, [(code, RewardCode.State.ISSUED) for code in issued])


def redemptions_codes_load(redemptions) -> None:
    """Load the codes of the CODES redemptions among ``redemptions`` in one query (none if there are none)."""
    pending = {r.id: r for r in redemptions if r.fulfilment == Reward.Fulfilment.CODES and not hasattr(r, _CODES)}
    if not pending:
        return
    for redemption in pending.values():
        setattr(redemption, _CODES, [])
    tenant_id = next(iter(pending.values())).tenant_id
    rows = RewardCode.objects.filter(tenant_id=tenant_id, redemption_id__in=list(pending)).order_by("id")
    for redemption_id, code, state in rows.values_list("redemption_id", "code", "state"):
        getattr(pending[redemption_id], _CODES).append((code, state))


def redemption_codes(redemption: Redemption) -> tuple[list[str], list[str]] | tuple[None, None]:
    """``(codes, voided_codes)`` of a redemption (``(None, None)`` unless its reward is CODES)."""
    if redemption.fulfilment != Reward.Fulfilment.CODES or redemption.id is None:
        return None, None
    redemptions_codes_load([redemption])
    pairs = getattr(redemption, _CODES)
    voided = [code for code, state in reversed(pairs) if state == RewardCode.State.VOIDED]
    return [code for code, _ in pairs], voided


def reward_code_counts(*, reward: Reward) -> dict[str, int]:
    """``{"available", "issued", "voided"}``: the reward's codes counted by state (each code once)."""
    counts = dict(
        RewardCode.objects.filter(tenant_id=reward.tenant_id, reward_id=reward.id)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state.lower(): counts.get(state, 0) for state in RewardCode.State.values}
