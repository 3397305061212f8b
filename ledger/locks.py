"""
Row locks on ledger accounts.

The platform-wide lock order is documented in ``rewards/locks.py``; the
wallet comes after the idempotency key and the redemption, before the
per-participant counter and the reward. Program accounts are never locked
(their balance is derived, see ``ledger.models``).
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from ledger.models import Account, Asset
from ledger.selectors import wallet_if_enrolled_sql
from loyalty import sql


def wallet_lock(*, participant_id: uuid.UUID, asset: Asset, type: str = Account.Type.WALLET) -> Account | None:
    """
    Lock and return the participant's wallet for ``asset`` (or, with ``type``
    PENDING, their pending account: step 2, before the wallet), or None if
    it has none yet.
    """
    return (
        Account.objects.select_for_update()
        .filter(type=type, tenant_id=asset.tenant_id, asset_id=asset.id, participant_id=participant_id)
        .first()
    )


def wallet_lock_if_enrolled_sql(
    *, participant_id: uuid.UUID, asset: Asset, alias: str = "a", also: str = ""
) -> tuple[str, list]:
    """
    The locking ``SELECT`` of :func:`wallet_lock_if_enrolled` (every column of
    the wallet, ``sql.select_list(Account, alias)``), for callers that run
    it inside a larger statement. ``also``: one more condition (without
    parameters) the wallet's row must meet to be locked.
    """
    query, params = wallet_if_enrolled_sql(participant_id=participant_id, asset=asset, alias=alias, also=also)
    # SQLite has no row locks: its writers are serialized by BEGIN IMMEDIATE.
    return (query + " FOR UPDATE" if sql.is_postgresql() else query), params


def wallet_lock_if_enrolled(*, participant_id: uuid.UUID, asset: Asset) -> Account | None:
    """
    Lock and return the participant's wallet for ``asset`` if the participant
    is enrolled in the asset's program, in one statement (the enrolment is an
    ``EXISTS`` in the locking ``SELECT``). None when there is no wallet yet
    *or* no enrolment: the caller tells the two apart with one more query, on
    that path only (a first movement, or a request that fails anyway).
    """
    query, params = wallet_lock_if_enrolled_sql(participant_id=participant_id, asset=asset)
    row = sql.fetchone(query, params)
    return None if row is None else sql.from_row(Account, row)


def wallet_create_and_lock(*, participant_id: uuid.UUID, asset: Asset, type: str = Account.Type.WALLET) -> Account:
    """Create the participant's wallet (or PENDING account) for ``asset`` (balance 0) unless it exists, and lock it."""
    # ON CONFLICT DO NOTHING: a concurrent first movement may create it too.
    Account.objects.bulk_create(
        [
            Account(
                tenant_id=asset.tenant_id,
                program_id=asset.program_id,
                asset_id=asset.id,
                type=type,
                participant_id=participant_id,
                balance=0,
            )
        ],
        ignore_conflicts=True,
    )
    return wallet_lock(participant_id=participant_id, asset=asset, type=type)


def accounts_create_and_lock_many(
    *, asset: Asset, participant_ids: list[uuid.UUID], type: str = Account.Type.WALLET, create: bool = True
) -> dict[uuid.UUID, Account]:
    """
    :func:`wallet_create_and_lock` for many participants at once (the periodic
    run's and the bulk import's batches): creates the missing accounts of
    ``type`` (balance 0) when ``create``, then locks them all in id order in
    one statement; returns them by participant. On PostgreSQL the ids go as
    one array each (``sql.insert_arrays``, ``__any``).
    """
    participant_ids = sorted(set(participant_ids))
    if not participant_ids:
        return {}
    if create:
        owner = {"tenant_id": asset.tenant_id, "program_id": asset.program_id, "asset_id": asset.id, "type": type}
        if sql.is_postgresql():
            now = timezone.now()
            insert, params = sql.insert_arrays(
                Account,
                {"id": [uuid.uuid4() for _ in participant_ids], "participant_id": participant_ids},
                **owner, balance=0, created_at=now, updated_at=now,
            )
            sql.execute(f"{insert} ON CONFLICT DO NOTHING", params)  # a concurrent first movement may create one too
        else:
            Account.objects.bulk_create(
                [Account(**owner, participant_id=participant_id, balance=0) for participant_id in participant_ids],
                ignore_conflicts=True,
            )
    accounts = (
        Account.objects.select_for_update()
        .filter(tenant_id=asset.tenant_id, asset_id=asset.id, type=type, participant_id__any=participant_ids)
        .order_by("id")
    )
    return {account.participant_id: account for account in accounts}
