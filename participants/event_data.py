"""
The ``data`` of the participants' events: the object as its ``GET`` answers
an all-programs key of the tenant at that moment (the API's own serializers).
Imported by the services inside their functions: the serializers import the
services' defaults.
"""

from __future__ import annotations

import uuid

from loyalty.auth import KeyScope


def tenant_scope(tenant_id: uuid.UUID) -> KeyScope:
    """What an all-programs key of the tenant sees."""
    return KeyScope(api_key=None, tenant_id=tenant_id, program_ids=None)


def participant_data(*, tenant_id: uuid.UUID, participant_id: uuid.UUID) -> dict:
    from participants.api.serializers import ParticipantSerializer
    from participants.selectors import participant_detail_get

    participant = participant_detail_get(scope=tenant_scope(tenant_id), participant_id=participant_id)
    return ParticipantSerializer(participant).data


def _represented(name: str, instance) -> dict:
    """``<name>(instance).data``, by the serializer built once (``loyalty.api.bound``)."""
    from loyalty.api.bound import represented
    from participants.api import serializers

    return represented(getattr(serializers, name), instance)


def accrual_data(accrual) -> dict:
    return _represented("AccrualSerializer", accrual)


def accrual_reversal_data(reversal) -> dict:
    """The clawback, with the accrual."""
    return _represented("AccrualReversalSerializer", reversal)


def _timestamp_sql(column: str) -> str:
    """A timestamptz column as DRF renders it: ISO 8601 in UTC, microseconds only when not zero, ``Z``."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN {column} = date_trunc('second', {column}) THEN '' ELSE to_char({utc}, '.US') END || 'Z' END"
    )


def accrual_data_sql(lot, *, scale: int) -> str:
    """
    PostgreSQL: ``accrual_data`` of the lot ``lot`` (a ``loyalty.sql.Alias`` of
    ``Accrual``) as a jsonb expression, for set-based event inserts (the
    periodic run's releases). Amounts with the asset's ``scale`` places, as
    ``ScaledAmountField`` renders them; participants/tests pin it equal to the
    serializer's rendering.
    """
    from participants.models import Accrual

    places = int(scale)

    def amount(name: str) -> str:
        return f"round({getattr(lot, name)}, {places})::text"

    pending, available, closed = (
        f"'{status}'" for status in (Accrual.Status.PENDING, Accrual.Status.AVAILABLE, Accrual.Status.CLOSED)
    )
    status = f"CASE WHEN {lot.remaining} <= 0 THEN {closed} WHEN {lot.released} THEN {available} ELSE {pending} END"
    return (
        "jsonb_build_object("
        f"'id', {lot.id}::text, 'program_id', {lot.program_id}::text, "
        f"'participant_id', {lot.participant_id}::text, 'asset_id', {lot.asset_id}::text, "
        f"'amount', {amount('amount')}, 'description', {lot.description}, "
        f"'journal_entry_id', {lot.journal_entry_id}::text, 'created_at', {_timestamp_sql(lot.created_at)}, "
        f"'available_at', {_timestamp_sql(lot.available_at)}, 'expires_at', {_timestamp_sql(lot.expires_at)}, "
        f"'status', {status}, 'remaining', {amount('remaining')}, 'spent_amount', {amount('spent_amount')}, "
        f"'expired_amount', {amount('expired_amount')}, 'reversed_amount', {amount('reversed_amount')})"
    )
