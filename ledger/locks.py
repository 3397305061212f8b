"""
Row locks on ledger accounts.

The platform-wide lock order is documented in ``rewards/locks.py``; the
wallet comes after the redemption and the reward, before the
per-participant counter. Program accounts are never locked (their balance is
derived, see ``ledger.models``).
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.db.models import Exists, OuterRef

from ledger.models import Account, Asset


def wallet_lock(*, participant_id: uuid.UUID, asset: Asset) -> Account | None:
    """Lock and return the participant's wallet for ``asset``, or None if it has none yet."""
    return (
        Account.objects.select_for_update()
        .filter(type=Account.Type.WALLET, asset_id=asset.id, participant_id=participant_id)
        .first()
    )


def wallet_lock_if_enrolled(*, participant_id: uuid.UUID, asset: Asset) -> Account | None:
    """
    Lock and return the participant's wallet for ``asset`` if the participant
    is enrolled in the asset's program, in one statement (the enrolment is an
    ``EXISTS`` in the locking ``SELECT``). None when there is no wallet yet
    *or* no enrolment: the caller tells the two apart with one more query, on
    that path only (a first movement, or a request that fails anyway).
    """
    # By app label, like the models' foreign keys: ledger does not import participants.
    enrollment = apps.get_model("participants", "Enrollment")
    enrolled = enrollment.objects.filter(participant_id=OuterRef("participant_id"), program_id=asset.program_id)
    return (
        Account.objects.select_for_update()
        .filter(Exists(enrolled), type=Account.Type.WALLET, asset_id=asset.id, participant_id=participant_id)
        .first()
    )


def wallet_lock_or_create(*, participant_id: uuid.UUID, asset: Asset) -> Account:
    """Lock the participant's wallet for ``asset``, creating it (balance 0) on first use."""
    wallet = wallet_lock(participant_id=participant_id, asset=asset)
    if wallet is not None:
        return wallet
    return wallet_create_and_lock(participant_id=participant_id, asset=asset)


def wallet_create_and_lock(*, participant_id: uuid.UUID, asset: Asset) -> Account:
    """Create the participant's wallet for ``asset`` (balance 0) unless it exists, and lock it."""
    # ON CONFLICT DO NOTHING: a concurrent first movement may create it too.
    Account.objects.bulk_create(
        [
            Account(
                program_id=asset.program_id,
                asset_id=asset.id,
                type=Account.Type.WALLET,
                participant_id=participant_id,
                balance=0,
            )
        ],
        ignore_conflicts=True,
    )
    return wallet_lock(participant_id=participant_id, asset=asset)
