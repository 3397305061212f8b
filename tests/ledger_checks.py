"""
Whole-database checks for the service tests.

``world_snapshot()`` captures every row a movement could write, so an error
path can assert that nothing changed. ``assert_ledger_consistent()`` checks
the ledger and the counters derived from it, the way reconciliation would:
run it at the end of any test that moved money, above all the concurrent ones.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ledger.models import Account, JournalEntry, JournalLine
from loyalty.models import IdempotencyRecord
from participants.models import Accrual, Enrollment, Participant
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward

ZERO = Decimal(0)


def world_snapshot() -> dict:
    """Every row a movement, an enrolment or a catalog change could write."""
    return {
        "participants": Participant.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "entries": JournalEntry.objects.count(),
        "lines": JournalLine.objects.count(),
        "accruals": Accrual.objects.count(),
        "reversals": Reversal.objects.count(),
        "idempotency_records": IdempotencyRecord.objects.count(),
        "accounts": sorted(Account.objects.values_list("id", "balance", "updated_at")),
        "redemptions": sorted(
            Redemption.objects.values_list("id", "status", "reversed_amount", "reversed_quantity", "updated_at")
        ),
        "rewards": sorted(Reward.objects.values_list("id", "status", "redeemed_count", "max_total", "updated_at")),
        "participant_counts": sorted(
            ParticipantRewardCount.objects.values_list("reward_id", "participant_id", "count")
        ),
    }


def _entry_problems() -> list[str]:
    problems = []
    lines_by_entry: dict = defaultdict(list)
    for line in JournalLine.objects.select_related("account", "entry"):
        lines_by_entry[line.entry_id].append(line)
    for entry in JournalEntry.objects.all():
        lines = lines_by_entry.get(entry.id, [])
        if len(lines) < 2:
            problems.append(f"entry {entry.id} has {len(lines)} line(s)")
        per_asset: dict = defaultdict(Decimal)
        for line in lines:
            if line.amount <= 0:
                problems.append(f"line {line.id} has amount {line.amount}")
            if line.account.asset_id != line.asset_id or line.account.program_id != entry.program_id:
                problems.append(f"line {line.id} is on an account of another asset or program")
            per_asset[line.asset_id] += line.amount if line.direction == "DEBIT" else -line.amount
        problems += [f"entry {entry.id} off by {total} for asset {a}" for a, total in per_asset.items() if total]
    return problems


def _wallet_problems() -> list[str]:
    problems = []
    sums: dict = defaultdict(Decimal)
    for account_id, direction, amount in JournalLine.objects.filter(account__type="WALLET").values_list(
        "account_id", "direction", "amount"
    ):
        sums[account_id] += amount if direction == "CREDIT" else -amount
    for wallet in Account.objects.filter(type="WALLET"):
        if wallet.balance != sums.get(wallet.id, ZERO):
            problems.append(f"wallet {wallet.id} stores {wallet.balance}, its lines sum to {sums.get(wallet.id, ZERO)}")
        if wallet.balance < 0:
            problems.append(f"wallet {wallet.id} is negative: {wallet.balance}")
    return problems


def _redemption_problems() -> list[str]:
    problems = []
    reversed_amount: dict = defaultdict(Decimal)
    reversed_quantity: dict = defaultdict(int)
    returned_by_redemption: dict = defaultdict(int)
    for reversal in Reversal.objects.select_related("journal_entry", "redemption"):
        reversed_amount[reversal.redemption_id] += reversal.amount
        reversed_quantity[reversal.redemption_id] += reversal.quantity or 0
        returned_by_redemption[reversal.redemption_id] += reversal.stock_returned
        if reversal.journal_entry.reverses_id != reversal.redemption.journal_entry_id:
            problems.append(f"reversal {reversal.id} does not point at its redemption's entry")
    held_by_reward: dict = defaultdict(int)
    held_by_pair: dict = defaultdict(int)
    for redemption in Redemption.objects.all():
        if redemption.reversed_amount != reversed_amount[redemption.id]:
            problems.append(f"redemption {redemption.id} reversed_amount disagrees with its reversals")
        if redemption.quantity is not None and redemption.reversed_quantity != reversed_quantity[redemption.id]:
            problems.append(f"redemption {redemption.id} reversed_quantity disagrees with its reversals")
        expected_status = (
            "COMPLETED"
            if redemption.reversed_amount == 0
            else "FULLY_REVERSED"
            if redemption.reversed_amount == redemption.amount
            else "PARTIALLY_REVERSED"
        )
        if redemption.status != expected_status:
            problems.append(f"redemption {redemption.id} is {redemption.status}, expected {expected_status}")
        if redemption.reward_id is not None:
            held = redemption.stock_units - returned_by_redemption[redemption.id]
            held_by_reward[redemption.reward_id] += held
            held_by_pair[(redemption.reward_id, redemption.participant_id)] += held
    for reward in Reward.objects.all():
        if reward.redeemed_count != held_by_reward[reward.id]:
            problems.append(f"reward {reward.id} redeemed_count {reward.redeemed_count} != {held_by_reward[reward.id]}")
        sold_out = reward.max_total is not None and reward.redeemed_count >= reward.max_total
        if reward.status != "INACTIVE" and (reward.status == "OUT_OF_STOCK") != sold_out:
            problems.append(f"reward {reward.id} is {reward.status} with {reward.redeemed_count}/{reward.max_total}")
    counts = {(c.reward_id, c.participant_id): c.count for c in ParticipantRewardCount.objects.all()}
    for pair in set(counts) | set(held_by_pair):
        if counts.get(pair, 0) != held_by_pair.get(pair, 0):
            problems.append(f"participant count {pair} is {counts.get(pair, 0)}, expected {held_by_pair.get(pair, 0)}")
    return problems


def lot_problems() -> list[str]:
    """
    The points lifecycle's identities: every lot's amount = remaining + spent + expired + reversed (none
    negative), every wallet = its released lots' remaining, every PENDING account = its pending lots'
    remaining, every tracked redemption's allocations = its amount net of reversals.
    """
    from rewards.models import RedemptionAllocation

    problems = []
    released: dict = defaultdict(Decimal)
    pending: dict = defaultdict(Decimal)
    for lot in Accrual.objects.all():
        parts = (lot.remaining, lot.spent_amount, lot.expired_amount, lot.reversed_amount)
        if lot.amount != sum(parts) or min(parts) < 0:
            problems.append(f"lot {lot.id}: {lot.amount} != {' + '.join(map(str, parts))}")
        (released if lot.released else pending)[(lot.participant_id, lot.asset_id)] += lot.remaining
    for account in Account.objects.filter(type__in=["WALLET", "PENDING"]):
        lots = (released if account.type == "WALLET" else pending).pop((account.participant_id, account.asset_id), ZERO)
        if account.balance != lots:
            problems.append(f"{account.type} {account.id} holds {account.balance}, its lots {lots}")
    problems += [f"lots of {key} hold {left} with no account" for key, left in {**released, **pending}.items() if left]
    allocated: dict = defaultdict(Decimal)
    for redemption_id, amount in RedemptionAllocation.objects.values_list("redemption_id", "amount"):
        allocated[redemption_id] += amount
    for redemption in Redemption.objects.filter(allocations_tracked=True):
        if allocated[redemption.id] != redemption.amount - redemption.reversed_amount:
            problems.append(f"redemption {redemption.id} allocations {allocated[redemption.id]} != net amount")
    return problems


def assert_ledger_consistent(*, lots: bool = True) -> None:
    """
    Entries balance, each wallet's lines sum to its stored balance, counters agree with redemptions, and the
    lots agree with the accounts and the redemptions (:func:`lot_problems`).
    """
    problems = _entry_problems() + _wallet_problems() + _redemption_problems() + (lot_problems() if lots else [])
    assert not problems, "ledger inconsistent:\n" + "\n".join(problems)


def wallet_balance(participant, asset) -> Decimal:
    """The participant's stored wallet balance of ``asset`` (zero without a wallet)."""
    wallet = Account.objects.filter(type="WALLET", participant=participant, asset=asset).first()
    return ZERO if wallet is None else wallet.balance
