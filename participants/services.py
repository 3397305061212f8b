"""Writes of the participants app: enrolment and accruals."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction

from ledger.locks import wallet_create_and_lock, wallet_lock_if_enrolled
from ledger.models import Account, Asset, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty.db import in_transaction
from loyalty.errors import NotFound, ParticipantNotEnrolled, ProgramNotActive
from loyalty.idempotency import idempotency_replay, request_fingerprint
from loyalty.models import IdempotencyRecord, Program
from loyalty.money import amount_check_scale
from loyalty.services import Created
from participants.models import Accrual, Enrollment, Participant
from participants.selectors import participant_is_enrolled

DEFAULT_ACCRUAL_DESCRIPTION = "Accrual"


def participant_enrol(
    *, program: Program, external_id: str, display_name: str = "", email: str = ""
) -> Created:
    """
    Create the participant in the program's tenant and enrol it in
    ``program``; if the tenant has a participant with ``external_id``, enrol
    that one (if not yet) and return it (``created`` False; its display name
    and e-mail are left as they are). A participant of another tenant with
    the same ``external_id`` is another participant, never seen here. Safe
    under concurrent calls with the same ``external_id``.
    """
    tenant_id = program.tenant_id
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
    Enrollment.objects.bulk_create(
        [Enrollment(tenant_id=tenant_id, participant=participant, program=program)], ignore_conflicts=True
    )
    return Created(participant, created)


def accrual_create(
    *,
    program: Program,
    participant: Participant,
    asset: Asset,
    amount: Decimal,
    description: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """
    Credit ``amount`` of ``asset`` to the participant's wallet from the
    program's issuance account, in one balanced journal entry.

    Locks: the participant's wallet (created on first use). Raises
    ``NotFound`` (asset of another program), ``ValidationFailed`` (scale),
    ``IdempotencyKeyReused``, ``ProgramNotActive``, ``ParticipantNotEnrolled``.
    An identical earlier request with the same key returns its accrual with
    ``created`` False.
    """
    accrual, fingerprint = _accrual_request(
        program=program, participant=participant, asset=asset, amount=amount, description=description,
        idempotency_key=idempotency_key,
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
) -> Created:
    """
    :func:`accrual_create` inside the caller's transaction (the bulk import
    posts a chunk of accruals in one): the same checks, locks and journal
    entry, in a savepoint, so that a refused accrual leaves the rest of the
    caller's transaction as it was. The caller retries deadlocks.
    """
    accrual, fingerprint = _accrual_request(
        program=program, participant=participant, asset=asset, amount=amount, description=description,
        idempotency_key=idempotency_key,
    )
    with transaction.atomic():
        return _accrue(accrual, fingerprint=fingerprint)


def _accrual_request(
    *, program: Program, participant: Participant, asset: Asset, amount: Decimal, description: str | None,
    idempotency_key: str | None,
) -> tuple[Accrual, str]:
    """Check the request's shape; the accrual to record and the fingerprint of its idempotency key."""
    if asset.program_id != program.id:
        raise NotFound("Unknown asset.")
    amount_check_scale(amount=amount, scale=asset.scale, field="amount")
    description = DEFAULT_ACCRUAL_DESCRIPTION if description is None else description
    fingerprint = request_fingerprint(
        endpoint="accrual",
        path_ids={"participant_id": participant.id},
        body={"program_id": program.id, "asset_id": asset.id, "amount": amount, "description": description},
    )
    accrual = Accrual(
        tenant_id=program.tenant_id,
        program=program,
        participant=participant,
        asset=asset,
        amount=amount,
        description=description,
        idempotency_key=idempotency_key,
    )
    return accrual, fingerprint


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
    wallet = wallet_lock_if_enrolled(participant_id=participant.id, asset=asset)
    if wallet is None:  # first movement of this asset, or not enrolled
        if not participant_is_enrolled(
            tenant_id=program.tenant_id, participant_id=participant.id, program_id=program.id
        ):
            raise ParticipantNotEnrolled()
        wallet = wallet_create_and_lock(participant_id=participant.id, asset=asset)
    issuance = program_account_ref(asset=asset, type=Account.Type.ISSUANCE)
    accrual.journal_entry = journal_entry_post(
        tenant_id=program.tenant_id,
        program_id=program.id,
        kind=JournalEntry.Kind.ACCRUAL,
        description=accrual.description,
        lines=[Line(issuance, DEBIT, accrual.amount), Line(wallet, CREDIT, accrual.amount)],
        assets=[asset],
    )
    accrual.save(force_insert=True)
    return Created(accrual, True)


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
        for participant in Participant.objects.filter(tenant_id=tenant_id, external_id__in=external_ids)
    }
    Enrollment.objects.bulk_create(
        [Enrollment(tenant_id=tenant_id, participant=p, program=program) for p in participants.values()],
        ignore_conflicts=True,
    )
    return participants
