"""
The ``data`` of the participants' events: the object as its ``GET`` answers
an all-programs key of the tenant at that moment (the API's own serializers).
Imported by the services inside their functions: the serializers import the
services' defaults.
"""

from __future__ import annotations

import uuid
from functools import cache

from loyalty.auth import KeyScope


def tenant_scope(tenant_id: uuid.UUID) -> KeyScope:
    """What an all-programs key of the tenant sees."""
    return KeyScope(api_key=None, tenant_id=tenant_id, program_ids=None)


def participant_data(*, tenant_id: uuid.UUID, participant_id: uuid.UUID) -> dict:
    from participants.api.serializers import ParticipantSerializer
    from participants.selectors import participant_detail_get

    participant = participant_detail_get(scope=tenant_scope(tenant_id), participant_id=participant_id)
    return ParticipantSerializer(participant).data


@cache  # one instance per process (see rewards/event_data.py)
def _serializer(name: str):
    from participants.api import serializers

    return getattr(serializers, name)()


def accrual_data(accrual) -> dict:
    """What ``AccrualSerializer(accrual).data`` is, without building a serializer per call."""
    return _serializer("AccrualSerializer").to_representation(accrual)
