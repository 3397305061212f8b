"""Writes of the participants app: enrolment and accruals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from events import types as event_types
from events.services import event_record, events_record_select, execute_with_event
from ledger.locks import accounts_create_and_lock_many, wallet_create_and_lock, wallet_lock, wallet_lock_if_enrolled
from ledger.models import Account, Asset, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, EntrySpec, Line, journal_entries_post, journal_entry_post
from loyalty import sql
from loyalty.audit import Actor, audit_record, changed
from loyalty.db import in_transaction
from loyalty.errors import (
    AccrualReversalExceedsRemaining,
    DomainError,
    NotFound,
    ParticipantNotEnrolled,
    ProgramNotActive,
    ValidationFailed,
)
from loyalty.idempotency import (
    REUSED,
    idempotency_claim_many,
    idempotency_find_many,
    idempotency_replay,
    key_reused,
    request_fingerprint,
)
from loyalty.models import IdempotencyRecord, Program
from loyalty.money import amount_check_scale, format_amount
from loyalty.services import Created
from participants.event_data import accrual_data, accrual_data_sql, accrual_reversal_data, participant_data
from participants.models import Accrual, AccrualReversal, Enrollment, Participant
from participants.selectors import participant_is_enrolled

DEFAULT_ACCRUAL_DESCRIPTION = "Accrual"


class _Unset:
    """An accrual field the request did not send (``None`` is an explicit null)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def participant_enrol(
    *, program: Program, external_id: str, display_name: str = "", email: str = "", just_created: bool = False
) -> Created:
    """
    Create the participant in the program's tenant and enrol it in
    ``program``; if the tenant has a participant with ``external_id``, enrol
    that one (if not yet) and return it (``created`` False; its display name
    and e-mail are left as they are). A participant of another tenant with
    the same ``external_id`` is another participant, never seen here. Safe
    under concurrent calls with the same ``external_id``. Records
    ``participant.created`` (a new participant, or ``just_created``: the
    caller created it a moment ago, as the admin's add form does) and
    ``participant.enrolled`` (a new enrolment) in the same transaction.
    """
    tenant_id = program.tenant_id
    with transaction.atomic():
        participant = Participant.objects.filter(tenant_id=tenant_id, external_id=external_id).first()
        created = False
        if participant is None:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        tenant_id=tenant_id, external_id=external_id, display_name=display_name, email=email
                    )
                    created = True
            except IntegrityError:
                participant = Participant.objects.get(tenant_id=tenant_id, external_id=external_id)
        enrolled = _enrol(tenant_id=tenant_id, participant=participant, program=program)
        if created or enrolled:
            data = participant_data(tenant_id=tenant_id, participant_id=participant.id)
            if created or (just_created and enrolled):
                event_record(tenant_id=tenant_id, type=event_types.PARTICIPANT_CREATED, program_id=program.id, data=data)
            if enrolled:
                event_record(tenant_id=tenant_id, type=event_types.PARTICIPANT_ENROLLED, program_id=program.id, data=data)
    return Created(participant, created)


def _enrol(*, tenant_id: uuid.UUID, participant: Participant, program: Program) -> bool:
    """Enrol the participant in the program; False when it already was (a concurrent enrolment included)."""
    if Enrollment.objects.filter(participant=participant, program=program).exists():
        return False
    try:
        with transaction.atomic():
            Enrollment.objects.create(tenant_id=tenant_id, participant=participant, program=program)
    except IntegrityError:
        return False
    return True


def accrual_create(
    *,
    program: Program,
    participant: Participant,
    asset: Asset,
    amount: Decimal,
    description: str | None = None,
    idempotency_key: str | None = None,
    available_at: datetime | None | _Unset = UNSET,
    expires_at: datetime | None | _Unset = UNSET,
) -> Created:
    """
    Credit ``amount`` of ``asset`` to the participant from the program's
    issuance account, in one balanced journal entry, as a new lot: to the
    wallet when the lot is available at once, else to the participant's
    PENDING account until it is released.

    ``available_at`` defaults to now + the asset's ``pending_days`` (a moment
    at or before now: available at once); ``expires_at`` to now + its
    ``validity_days`` (never when that is null; an explicit None: never).
    Both take part in the idempotency fingerprint as sent (omitted, null and a
    timestamp are three requests).

    Locks: the participant's PENDING account or wallet (created on first
    use). Raises ``NotFound`` (asset of another program), ``ValidationFailed``
    (scale, an ``expires_at`` not in the future or not after ``available_at``),
    ``IdempotencyKeyReused``, ``ProgramNotActive``, ``ParticipantNotEnrolled``.
    An identical earlier request with the same key returns its accrual with
    ``created`` False.
    """
    accrual, fingerprint = _accrual_request(
        program=program, participant=participant, asset=asset, amount=amount, description=description,
        idempotency_key=idempotency_key, available_at=available_at, expires_at=expires_at,
    )
    return in_transaction(lambda: _accrue(accrual, fingerprint=fingerprint))


def accrual_create_in_transaction(
    *,
    program: Program,
    participant: Participant,
    asset: Asset,
    amount: Decimal,
    description: str | None = None,
    idempotency_key: str | None = None,
    available_at: datetime | None | _Unset = UNSET,
    expires_at: datetime | None | _Unset = UNSET,
) -> Created:
    """
    :func:`accrual_create` inside the caller's transaction (the bulk import
    posts a chunk of accruals in one): the same checks, locks and journal
    entry, in a savepoint, so that a refused accrual leaves the rest of the
    caller's transaction as it was. The caller retries deadlocks.
    """
    accrual, fingerprint = _accrual_request(
        program=program, participant=participant, asset=asset, amount=amount, description=description,
        idempotency_key=idempotency_key, available_at=available_at, expires_at=expires_at,
    )
    with transaction.atomic():
        return _accrue(accrual, fingerprint=fingerprint)


@dataclass(frozen=True)
class AccrualRequest:
    """One accrual of :func:`accruals_create_many` (the fields of :func:`accrual_create`)."""

    participant: Participant
    amount: Decimal
    description: str | None = None
    idempotency_key: str | None = None
    expires_at: datetime | None | _Unset = UNSET


def accruals_create_many(
    *, program: Program, asset: Asset, requests: list[AccrualRequest]
) -> list[Created | DomainError]:
    """
    Many accruals of one program and asset in the caller's transaction (a
    bulk import's chunk of opening balances), each under the same rules as
    :func:`accrual_create`: shape and dates checked, idempotency key claimed,
    the participant's enrolment, the wallet (or PENDING account) created if
    missing and locked, one balanced ``ACCRUAL`` entry, the lot and its
    ``accrual.created`` event. Returns, in the order of ``requests``, a
    :class:`Created` (``created`` False for an identical earlier request) or
    the ``DomainError`` that refused it; a refused request writes nothing.

    On PostgreSQL the whole batch is a handful of statements whatever its
    size: the keys claimed in one (``idempotency_claim_many``), the accounts
    created and locked in id order in two (``accounts_create_and_lock_many``:
    lock step 2 or 3 for every wallet of the batch, before anything else is
    locked), the entries, lines and balances through
    ``ledger.services.journal_entries_post``, the lots in one
    ``INSERT ... SELECT FROM unnest``, their events in one. Elsewhere, one
    :func:`accrual_create_in_transaction` each.
    """
    if not sql.is_postgresql():
        return [_create_one(program=program, asset=asset, request=request) for request in requests]
    results: list[Created | DomainError | None] = [None] * len(requests)
    checked: list[tuple[int, Accrual, str]] = []
    for index, request in enumerate(requests):
        try:
            accrual, fingerprint = _accrual_request(
                program=program, participant=request.participant, asset=asset, amount=request.amount,
                description=request.description, idempotency_key=request.idempotency_key,
                available_at=UNSET, expires_at=request.expires_at,
            )
        except DomainError as exc:
            results[index] = exc
            continue
        accrual.id = uuid.uuid4()
        checked.append((index, accrual, fingerprint))
    keys = [request.idempotency_key for request in requests if request.idempotency_key is not None]
    if len(keys) != len(set(keys)):  # pragma: no cover - the import refuses a repeated external_id first
        raise ValueError("accruals_create_many: a key appears twice in one batch")
    # Which would be refused after their key (as accrual_create: an identical earlier request is answered
    # even so): their keys are only looked up, never claimed, so a refused request leaves its key free.
    refusal = _refusals(program, [accrual for _, accrual, _ in checked])
    scope = {"tenant_id": program.tenant_id, "program_id": program.id, "kind": IdempotencyRecord.Kind.ACCRUAL}
    earlier = idempotency_claim_many(
        **scope, claims=[(a.idempotency_key, fp, a.id) for _, a, fp in checked if a.idempotency_key and a.id not in refusal]
    )
    earlier.update(idempotency_find_many(
        **scope, claims=[(a.idempotency_key, fp, a.id) for _, a, fp in checked if a.idempotency_key and a.id in refusal]
    ))
    fresh, replays = [], {}
    for index, accrual, _ in checked:
        done = earlier.get(accrual.idempotency_key) if accrual.idempotency_key else None
        if done is REUSED:
            results[index] = key_reused()
        elif done is not None:
            replays[index] = done
        elif accrual.id in refusal:
            results[index] = refusal[accrual.id]
        else:
            fresh.append((index, accrual))
    if replays:
        loaded = Accrual.objects.filter(tenant_id=program.tenant_id).select_related("asset").in_bulk(list(replays.values()))
        for index, accrual_id in replays.items():
            results[index] = Created(loaded[accrual_id], False)
    if fresh:
        _post_many(program, asset, [accrual for _, accrual in fresh])
        for index, accrual in fresh:
            results[index] = Created(accrual, True)
    return results


def _create_one(*, program: Program, asset: Asset, request: AccrualRequest) -> Created | DomainError:
    try:
        return accrual_create_in_transaction(
            program=program, participant=request.participant, asset=asset, amount=request.amount,
            description=request.description, idempotency_key=request.idempotency_key, expires_at=request.expires_at,
        )
    except DomainError as exc:
        return exc


def _refusals(program: Program, accruals: list[Accrual]) -> dict[uuid.UUID, DomainError]:
    """The accruals that would be refused (program not active, participant not enrolled), by accrual id."""
    if not accruals:
        return {}
    if not program.is_active:
        return {accrual.id: ProgramNotActive() for accrual in accruals}
    enrolled = set(
        Enrollment.objects.filter(
            tenant_id=program.tenant_id, program_id=program.id,
            participant_id__any=list({accrual.participant_id for accrual in accruals}),
        ).values_list("participant_id", flat=True)
    )
    return {accrual.id: ParticipantNotEnrolled() for accrual in accruals if accrual.participant_id not in enrolled}


def _post_many(program: Program, asset: Asset, accruals: list[Accrual]) -> None:
    """Accounts, entries, lots and events of accruals already checked and owning their keys (PostgreSQL)."""
    types = {Account.Type.WALLET if accrual.released else Account.Type.PENDING for accrual in accruals}
    accounts: dict[str, dict] = {}
    for type in (Account.Type.PENDING, Account.Type.WALLET):  # lock steps 2 and 3, in that order
        if type in types:
            owners = [accrual.participant_id for accrual in accruals if (accrual.released) == (type == Account.Type.WALLET)]
            accounts[type] = accounts_create_and_lock_many(asset=asset, participant_ids=owners, type=type)
    issuance = program_account_ref(asset=asset, type=Account.Type.ISSUANCE)
    specs = []
    for accrual in accruals:
        account = accounts[Account.Type.WALLET if accrual.released else Account.Type.PENDING][accrual.participant_id]
        lines = [Line(issuance, DEBIT, accrual.amount), Line(account, CREDIT, accrual.amount)]
        specs.append(EntrySpec(kind=JournalEntry.Kind.ACCRUAL, description=accrual.description, lines=lines))
    entry_ids = journal_entries_post(tenant_id=program.tenant_id, program_id=program.id, asset=asset, specs=specs)
    for accrual, entry_id in zip(accruals, entry_ids, strict=True):
        accrual.journal_entry_id = entry_id
    sql.execute(*sql.insert_arrays_of(*accruals))
    sql.mark_saved(*accruals)
    lot = sql.Alias(Accrual, "l")
    events_record_select(
        tenant_id=program.tenant_id,
        type=event_types.ACCRUAL_CREATED,
        source=f"SELECT {lot.program_id} AS program_id, {accrual_data_sql(lot, scale=asset.scale)} AS data "
        f"FROM unnest(%s::uuid[]) WITH ORDINALITY AS o(id, n) JOIN {lot} ON {lot.id} = o.id "
        f"AND {lot.tenant_id} = %s ORDER BY o.n",
        params=[sql.array_param([accrual.id for accrual in accruals], "uuid"), sql.prep(Accrual, "tenant_id", program.tenant_id)],
    )


def _accrual_request(
    *, program: Program, participant: Participant, asset: Asset, amount: Decimal, description: str | None,
    idempotency_key: str | None, available_at: datetime | None | _Unset, expires_at: datetime | None | _Unset,
) -> tuple[Accrual, str]:
    """Check the request's shape; the accrual to record and the fingerprint of its idempotency key."""
    if asset.program_id != program.id:
        raise NotFound("Unknown asset.")
    amount_check_scale(amount=amount, scale=asset.scale, field="amount")
    description = DEFAULT_ACCRUAL_DESCRIPTION if description is None else description
    body = {"program_id": program.id, "asset_id": asset.id, "amount": amount, "description": description}
    for name, value in (("available_at", available_at), ("expires_at", expires_at)):
        if value is not UNSET:  # as sent, not after defaults (contract)
            body[name] = None if value is None else value.isoformat()
    fingerprint = request_fingerprint(endpoint="accrual", path_ids={"participant_id": participant.id}, body=body)
    now = timezone.now()
    lot_available_at, lot_expires_at = lot_dates(asset=asset, now=now, available_at=available_at, expires_at=expires_at)
    accrual = Accrual(
        tenant_id=program.tenant_id,
        program=program,
        participant=participant,
        asset=asset,
        amount=amount,
        description=description,
        idempotency_key=idempotency_key,
        created_at=now,
        available_at=lot_available_at,
        expires_at=lot_expires_at,
        released=lot_available_at <= now,
        remaining=amount,
    )
    return accrual, fingerprint


def lot_dates(
    *, asset: Asset, now: datetime, available_at: datetime | None | _Unset, expires_at: datetime | None | _Unset
) -> tuple[datetime, datetime | None]:
    """A new lot's ``available_at`` and ``expires_at`` after the asset's defaults; ``ValidationFailed`` if invalid."""
    if available_at is UNSET or available_at is None:
        available_at = now + timedelta(days=asset.pending_days)
    explicit = expires_at is not UNSET
    if not explicit:
        expires_at = None if asset.validity_days is None else now + timedelta(days=asset.validity_days)
    if expires_at is not None:
        field = "expires_at" if explicit else "available_at"
        if expires_at <= now:
            raise ValidationFailed.on(field, "expires_at must be in the future.")
        if expires_at <= available_at:
            raise ValidationFailed.on(field, "expires_at must be after available_at.")
    return available_at, expires_at


def _accrue(accrual: Accrual, *, fingerprint: str) -> Created:
    """Claim the key, lock (or create) the wallet, post the entry, record ``accrual`` (caller's transaction)."""
    program, participant, asset = accrual.program, accrual.participant, accrual.asset
    accrual.id = uuid.uuid4()  # a new one per attempt: the key's record points at it
    earlier = idempotency_replay(
        tenant_id=program.tenant_id,
        program_id=program.id,
        key=accrual.idempotency_key,
        fingerprint=fingerprint,
        kind=IdempotencyRecord.Kind.ACCRUAL,
        resource_id=accrual.id,
        load=lambda id: Accrual.objects.select_related("asset").get(id=id, tenant_id=program.tenant_id),
    )
    if earlier is not None:
        return Created(earlier, False)
    if not program.is_active:
        raise ProgramNotActive()
    if accrual.released:
        wallet = wallet_lock_if_enrolled(participant_id=participant.id, asset=asset)
    else:  # a pending lot: credited to the PENDING account (lock step 2), never to the wallet
        wallet = None
    if wallet is None:  # first movement of this asset, not enrolled, or a pending lot
        if not participant_is_enrolled(
            tenant_id=program.tenant_id, participant_id=participant.id, program_id=program.id
        ):
            raise ParticipantNotEnrolled()
        wallet = wallet_create_and_lock(
            participant_id=participant.id,
            asset=asset,
            type=Account.Type.WALLET if accrual.released else Account.Type.PENDING,
        )
    issuance = program_account_ref(asset=asset, type=Account.Type.ISSUANCE)
    accrual.journal_entry = journal_entry_post(
        tenant_id=program.tenant_id,
        program_id=program.id,
        kind=JournalEntry.Kind.ACCRUAL,
        description=accrual.description,
        lines=[Line(issuance, DEBIT, accrual.amount), Line(wallet, CREDIT, accrual.amount)],
        assets=[asset],
    )
    insert = sql.insert(accrual)  # sets created_at, which the event's data shows
    event = {"tenant_id": program.tenant_id, "type": event_types.ACCRUAL_CREATED, "program_id": program.id}
    execute_with_event(insert, event={**event, "data": accrual_data(accrual)})
    sql.mark_saved(accrual)
    return Created(accrual, True)


# --- the lot's life: release and clawback -----------------------------------------------------


def _lock_accounts_and_lot(accrual: Accrual) -> tuple[Account | None, Account, Accrual]:
    """
    Steps 2-4 of the lock order for one lot: the participant's PENDING account
    (if any), the wallet (created if missing), then the lot itself, re-read.
    """
    asset = accrual.asset
    pending = wallet_lock(participant_id=accrual.participant_id, asset=asset, type=Account.Type.PENDING)
    wallet = wallet_create_and_lock(participant_id=accrual.participant_id, asset=asset)
    lot = Accrual.objects.select_for_update().get(id=accrual.id, tenant_id=accrual.tenant_id)
    lot.asset = asset
    return pending, wallet, lot


def lot_audit_fields(lot: Accrual) -> dict:
    """The lot's fields a release or clawback changes, as the API names and renders them."""
    scale = lot.asset.scale
    return {
        "status": lot.status,
        "remaining": format_amount(lot.remaining, scale),
        "reversed_amount": format_amount(lot.reversed_amount, scale),
    }


def accrual_release(*, accrual: Accrual, actor: Actor | None = None) -> Accrual:
    """
    Release a pending lot at once: its ``remaining`` moves from the PENDING
    account to the wallet in one ``RELEASE`` entry, with a ``release`` audit
    record of the accrual. A lot already released, or empty, is returned
    unchanged (no record). Locks: PENDING account, wallet, the lot.
    """
    return in_transaction(lambda: _release(accrual, actor))


def _release(accrual: Accrual, actor: Actor | None) -> Accrual:
    pending, wallet, lot = _lock_accounts_and_lot(accrual)
    if lot.released or lot.remaining <= 0:
        return lot
    before = lot_audit_fields(lot)
    journal_entry_post(
        tenant_id=lot.tenant_id,
        program_id=lot.program_id,
        kind=JournalEntry.Kind.RELEASE,
        description=f"Release of accrual {lot.id}",
        lines=[Line(pending, DEBIT, lot.remaining), Line(wallet, CREDIT, lot.remaining)],
        assets=[lot.asset],
    )
    lot.released = True
    lot.save(update_fields=["released"])
    event_record(
        tenant_id=lot.tenant_id, type=event_types.ACCRUAL_RELEASED, program_id=lot.program_id, data=accrual_data(lot)
    )
    audit_record(
        actor, "release", "accrual", lot.id, lot.program_id, changed(before, lot_audit_fields(lot)),
        tenant_id=lot.tenant_id,
    )
    return lot


def accrual_reversal_create(
    *,
    accrual: Accrual,
    amount: Decimal | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
    actor: Actor | None = None,
) -> Created:
    """
    Claw back ``amount`` (default: all that ``remaining`` holds) from this lot
    only, pending or released, in one ``ACCRUAL_REVERSAL`` entry (debit the
    PENDING account or the wallet, credit ISSUANCE). Allowed while the program
    is inactive. Locks: the key, PENDING account, wallet, the lot. Raises
    ``ValidationFailed`` (scale), ``IdempotencyKeyReused``,
    ``AccrualReversalExceedsRemaining`` (more than ``remaining``, or nothing left).
    Records a ``clawback`` audit record of the accrual (not on a repeat).
    """
    if amount is not None:
        if amount <= 0:
            raise ValidationFailed.on("amount", "Must be greater than zero.")
        amount_check_scale(amount=amount, scale=accrual.asset.scale, field="amount")
    fingerprint = request_fingerprint(
        endpoint="accrual.reversal", path_ids={"accrual_id": accrual.id}, body={"amount": amount, "reason": reason}
    )
    return in_transaction(lambda: _claw_back(accrual, amount, reason, idempotency_key, fingerprint, actor))


def _claw_back(
    accrual: Accrual, amount: Decimal | None, reason: str, key: str | None, fingerprint: str, actor: Actor | None
) -> Created:
    reversal_id = uuid.uuid4()
    earlier = idempotency_replay(
        tenant_id=accrual.tenant_id,
        program_id=accrual.program_id,
        key=key,
        fingerprint=fingerprint,
        kind=IdempotencyRecord.Kind.ACCRUAL_REVERSAL,
        resource_id=reversal_id,
        load=lambda id: AccrualReversal.objects.select_related("accrual__asset").get(id=id, tenant_id=accrual.tenant_id),
    )
    if earlier is not None:
        return Created(earlier, False)
    pending, wallet, lot = _lock_accounts_and_lot(accrual)
    taken = lot.remaining if amount is None else amount
    if lot.remaining <= 0 or taken > lot.remaining:
        scale = lot.asset.scale
        raise AccrualReversalExceedsRemaining(
            f"{format_amount(taken, scale)} asked, the lot holds {format_amount(lot.remaining, scale)}."
        )
    before = lot_audit_fields(lot)
    source = wallet if lot.released else pending
    issuance = program_account_ref(asset=lot.asset, type=Account.Type.ISSUANCE)
    entry = journal_entry_post(
        tenant_id=lot.tenant_id,
        program_id=lot.program_id,
        kind=JournalEntry.Kind.ACCRUAL_REVERSAL,
        description=reason or f"Clawback of accrual {lot.id}",
        lines=[Line(source, DEBIT, taken), Line(issuance, CREDIT, taken)],
        assets=[lot.asset],
    )
    lot.remaining -= taken
    lot.reversed_amount += taken
    lot.save(update_fields=["remaining", "reversed_amount"])
    reversal = AccrualReversal(
        id=reversal_id,
        tenant_id=lot.tenant_id,
        program_id=lot.program_id,
        accrual=lot,
        amount=taken,
        reason=reason,
        journal_entry=entry,
        idempotency_key=key,
    )
    reversal.save(force_insert=True)
    event_record(
        tenant_id=lot.tenant_id,
        type=event_types.ACCRUAL_REVERSED,
        program_id=lot.program_id,
        data=accrual_reversal_data(reversal),
    )
    audit_record(
        actor, "clawback", "accrual", lot.id, lot.program_id, changed(before, lot_audit_fields(lot)),
        tenant_id=lot.tenant_id,
    )
    return Created(reversal, True)


def participants_enrol_many(*, program: Program, people: list[tuple[str, str, str]]) -> dict[str, Participant]:
    """
    :func:`participant_enrol` for many at once, in the caller's transaction
    (the bulk import): ``people`` is ``(external_id, display_name, email)``;
    the tenant's existing participants are enrolled as they are (their name
    and e-mail unchanged), the others created. Two statements per kind of
    row, whatever the number; safe under concurrent imports (conflicts are
    ignored, then everything is read back). Returns them by ``external_id``.
    """
    tenant_id = program.tenant_id
    external_ids = [external_id for external_id, _name, _email in people]
    Participant.objects.bulk_create(
        [
            Participant(tenant_id=tenant_id, external_id=external_id, display_name=name, email=email)
            for external_id, name, email in people
        ],
        ignore_conflicts=True,
    )
    participants = {
        participant.external_id: participant
        for participant in Participant.objects.filter(tenant_id=tenant_id, external_id__any=external_ids)
    }
    Enrollment.objects.bulk_create(
        [Enrollment(tenant_id=tenant_id, participant=p, program=program) for p in participants.values()],
        ignore_conflicts=True,
    )
    return participants
