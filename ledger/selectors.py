"""Reads of the ledger: assets, journal entries, accounts, balances (the rules: ``loyalty.selectors``)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.apps import apps
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Prefetch, QuerySet, Sum, When

from ledger.models import Account, Asset, JournalEntry, JournalLine
from loyalty import sql
from loyalty.auth import KeyScope
from loyalty.selectors import scoped_get


def asset_list(*, scope: KeyScope, program_id: uuid.UUID | None = None) -> QuerySet[Asset]:
    """The assets of the programs the key may see, newest first."""
    assets = scope.filter_visible(Asset.objects.order_by("-created_at", "-id"))
    return assets if program_id is None else assets.filter(program_id=program_id)


def asset_get_visible(*, scope: KeyScope, asset_id: uuid.UUID) -> Asset:
    return scoped_get(queryset=Asset.objects.all(), scope=scope, object_id=asset_id, what="asset")


def _entries_with_lines() -> QuerySet[JournalEntry]:
    """Entries with their lines, accounts and assets prefetched (a fixed number of queries per page)."""
    lines = JournalLine.objects.select_related("account", "asset").order_by("-direction", "id")  # debits first
    return JournalEntry.objects.prefetch_related(Prefetch("lines", queryset=lines))


def journal_entry_list(
    *,
    scope: KeyScope,
    program_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    kind: str | None = None,
) -> QuerySet[JournalEntry]:
    """Entries (with their lines) of the key's programs; ``participant_id``: those that move its wallets."""
    entries = scope.filter_visible(_entries_with_lines())
    if program_id is not None:
        entries = entries.filter(program_id=program_id)
    if kind is not None:
        entries = entries.filter(kind=kind)
    if participant_id is not None:
        moves = JournalLine.objects.filter(entry_id=OuterRef("pk"), account__participant_id=participant_id)
        entries = entries.filter(Exists(moves))
    return entries


def journal_entry_get_visible(*, scope: KeyScope, entry_id: uuid.UUID) -> JournalEntry:
    return scoped_get(queryset=_entries_with_lines(), scope=scope, object_id=entry_id, what="journal entry")


def program_account_get(*, asset_id: uuid.UUID, type: str) -> Account:
    """The program's ISSUANCE or REDEMPTIONS account of an asset (created with the asset)."""
    return Account.objects.get(asset_id=asset_id, type=type, participant__isnull=True)


def _signed_sum_expression(normal: str):
    """Sum of line amounts in the account's normal direction (DEBIT or CREDIT)."""
    return Sum(
        Case(
            When(direction=normal, then=F("amount")),
            default=-F("amount"),
            output_field=DecimalField(max_digits=28, decimal_places=4),
        )
    )


NORMAL_DIRECTION = {
    Account.Type.WALLET: JournalLine.Direction.CREDIT,
    Account.Type.REDEMPTIONS: JournalLine.Direction.CREDIT,
    Account.Type.ISSUANCE: JournalLine.Direction.DEBIT,
    Account.Type.PENDING: JournalLine.Direction.CREDIT,
    Account.Type.EXPIRED: JournalLine.Direction.CREDIT,
}
PROGRAM_ACCOUNT_TYPES = (Account.Type.ISSUANCE, Account.Type.REDEMPTIONS, Account.Type.EXPIRED)


def account_balance_get(*, account: Account) -> Decimal:
    """
    The account's balance in its normal direction.

    Wallets read their stored running balance; program accounts are derived
    from their lines by aggregate.
    """
    if account.balance is not None:
        return account.balance
    total = JournalLine.objects.filter(account_id=account.id).aggregate(
        total=_signed_sum_expression(NORMAL_DIRECTION[account.type])
    )["total"]
    return total or Decimal(0)


def wallet_if_enrolled_sql(
    *, participant_id: uuid.UUID, asset: Asset, alias: str = "a", also: str = ""
) -> tuple[str, list]:
    """
    ``SELECT`` every column of the participant's wallet for ``asset`` if the
    participant is enrolled in the asset's program (the enrolment is an
    ``EXISTS``): no row when there is no wallet yet *or* no enrolment.
    ``also``: one more condition, without parameters (a caller's gate).
    """
    # By app label, like the models' foreign keys: ledger does not import participants.
    enrollment = apps.get_model("participants", "Enrollment")
    wallet = sql.Alias(Account, alias)
    e = sql.Alias(enrollment, "e")
    return (
        f"SELECT {sql.select_list(Account, alias)} FROM {wallet} "
        f"WHERE {wallet.type} = %s AND {wallet.asset_id} = %s AND {wallet.participant_id} = %s "
        f"AND {wallet.tenant_id} = %s "
        f"AND EXISTS (SELECT 1 FROM {e} WHERE {e.participant_id} = {wallet.participant_id} AND {e.program_id} = %s)"
        + (f" AND {also}" if also else ""),
        [
            sql.prep(Account, "type", Account.Type.WALLET),
            sql.prep(Account, "asset_id", asset.id),
            sql.prep(Account, "participant_id", participant_id),
            sql.prep(Account, "tenant_id", asset.tenant_id),
            sql.prep(enrollment, "program_id", asset.program_id),
        ],
    )


def wallet_if_enrolled(*, participant_id: uuid.UUID, asset: Asset) -> Account | None:
    """The participant's wallet for ``asset`` (no lock), or None: no wallet yet, or not enrolled."""
    row = sql.fetchone(*wallet_if_enrolled_sql(participant_id=participant_id, asset=asset))
    return None if row is None else sql.from_row(Account, row)


def wallets_for_participant(*, tenant_id: uuid.UUID, participant_id: uuid.UUID, asset_ids) -> dict[uuid.UUID, Account]:
    """The participant's wallets by asset id (assets without movement have none)."""
    wallets = Account.objects.filter(
        type=Account.Type.WALLET, tenant_id=tenant_id, participant_id=participant_id, asset_id__in=list(asset_ids)
    )
    return {wallet.asset_id: wallet for wallet in wallets}



# asset id -> {type: account id}; safe for the process's life: program accounts come with their asset and never change.
_PROGRAM_ACCOUNT_IDS: dict[uuid.UUID, dict[str, uuid.UUID]] = {}


def program_account_id(*, asset_id: uuid.UUID, type: str) -> uuid.UUID:
    """The id of the program's ISSUANCE, REDEMPTIONS or EXPIRED account of an asset (cached)."""
    ids = _PROGRAM_ACCOUNT_IDS.get(asset_id)
    if ids is None:
        ids = dict(
            Account.objects.filter(asset_id=asset_id, participant__isnull=True).values_list("type", "id")
        )
        if len(ids) == len(PROGRAM_ACCOUNT_TYPES):
            _PROGRAM_ACCOUNT_IDS[asset_id] = ids
    return ids[type]


def program_account_ref(*, asset: Asset, type: str) -> Account:
    """
    The program's ISSUANCE or REDEMPTIONS account of an asset, as a reference
    for posting lines (no query once the id is cached; program accounts are
    never locked nor carry a stored balance). Of the asset's program and tenant.
    """
    asset_id = asset.id
    return Account(
        id=program_account_id(asset_id=asset_id, type=type),
        tenant_id=asset.tenant_id,
        program_id=asset.program_id,
        asset_id=asset_id,
        type=type,
        balance=None,
    )
