"""Writes of the participants app: enrolment and accruals."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction

from events import types as event_types
from events.services import event_record, execute_with_event
from ledger.locks import wallet_create_and_lock, wallet_lock_if_enrolled
from ledger.models import Account, Asset, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty import sql
from loyalty.db import in_transaction
from loyalty.errors import NotFound, ParticipantNotEnrolled, ProgramNotActive
from loyalty.idempotency import idempotency_replay, request_fingerprint
from loyalty.models import IdempotencyRecord, Program
from loyalty.money import amount_check_scale
from loyalty.services import Created
from participants.event_data import accrual_data, participant_data
from participants.models import Accrual, Enrollment, Participant
from participants.selectors import participant_is_enrolled

DEFAULT_ACCRUAL_DESCRIPTION = "Accrual"


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
    return in_transaction(lambda: _accrue(accrual, fingerprint=fingerprint))


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
    insert = sql.insert(accrual)  # sets created_at, which the event's data shows
    event = {"tenant_id": program.tenant_id, "type": event_types.ACCRUAL_CREATED, "program_id": program.id}
    execute_with_event(insert, event={**event, "data": accrual_data(accrual)})
    sql.mark_saved(accrual)
    return Created(accrual, True)
