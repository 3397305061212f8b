"""Helpers for the rewards API tests: URLs, bodies and a snapshot of everything a request could change."""

from __future__ import annotations

from decimal import Decimal

from ledger.models import Account, JournalEntry, JournalLine
from loyalty.models import IdempotencyRecord
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward
from rewards.services import redemption_create_catalog


def catalog_url(participant_id, *, dry_run: bool = False) -> str:
    return f"/api/v1/participants/{participant_id}/redemptions/catalog" + ("?dry_run=true" if dry_run else "")


def direct_url(participant_id) -> str:
    return f"/api/v1/participants/{participant_id}/redemptions"


def reversals_url(redemption_id) -> str:
    return f"/api/v1/redemptions/{redemption_id}/reversals"


def catalog_body(reward, **extra) -> dict:
    return {"program_id": str(reward.program_id), "reward_id": str(reward.id), **extra}


def world_state() -> dict:
    """Every balance, counter, status and ledger row count a redemption or reversal could change."""
    return {
        "journal_entries": JournalEntry.objects.count(),
        "journal_lines": JournalLine.objects.count(),
        "redemptions": Redemption.objects.count(),
        "reversals": Reversal.objects.count(),
        "idempotency_records": IdempotencyRecord.objects.count(),
        "wallets": list(Account.objects.filter(type=Account.Type.WALLET).order_by("id").values_list("id", "balance")),
        "rewards": list(
            Reward.objects.order_by("id").values_list(
                "id", "status", "redeemed_count", "unit_cost", "max_total", "updated_at"
            )
        ),
        "participant_counts": list(ParticipantRewardCount.objects.order_by("id").values_list("id", "count")),
        "redemption_rows": list(
            Redemption.objects.order_by("id").values_list(
                "id", "status", "reversed_amount", "reversed_quantity", "updated_at"
            )
        ),
    }


def wallet_balance(participant, asset) -> Decimal:
    wallet = Account.objects.filter(type=Account.Type.WALLET, participant=participant, asset=asset).first()
    return wallet.balance if wallet is not None else Decimal(0)


def participant_count(reward, participant) -> int:
    row = ParticipantRewardCount.objects.filter(reward=reward, participant=participant).first()
    return row.count if row is not None else 0


def redeem(reward, participant, **kwargs) -> Redemption:
    """Set-up helper: a catalog redemption made through the service."""
    return redemption_create_catalog(
        program=reward.program, participant=participant, reward=reward, **kwargs
    ).record


def assert_error(response, status, code, field: str | None = None) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert body["error"]["code"] == code, body
    if field is not None:
        assert field in body["error"]["fields"], body
