"""
Test helpers. A snapshot of everything a request could change, for "nothing changed" asserts::

    before = db_state()
    response = client.post(...)
    assert db_state() == before
"""

from __future__ import annotations

from ledger.models import Account, Asset, JournalEntry, JournalLine
from loyalty.models import ApiKey, IdempotencyRecord, Program
from participants.models import Accrual, Enrollment, Participant


def db_state() -> dict:
    return {
        "programs": list(Program.objects.order_by("id").values_list("id", "name", "status", "updated_at")),
        "api_keys": list(ApiKey.objects.order_by("id").values_list("id", "revoked_at")),
        "assets": list(Asset.objects.order_by("id").values_list("id", "program_id", "code", "name", "scale")),
        "accounts": list(Account.objects.order_by("id").values_list("id", "balance", "updated_at")),
        "participants": list(
            Participant.objects.order_by("id").values_list("id", "external_id", "display_name", "email", "updated_at")
        ),
        "enrollments": list(Enrollment.objects.order_by("id").values_list("participant_id", "program_id")),
        "journal_entries": JournalEntry.objects.count(),
        "journal_lines": JournalLine.objects.count(),
        "accruals": Accrual.objects.count(),
        "idempotency_records": IdempotencyRecord.objects.count(),
    }


def assert_error(response, status: int, code: str, *, field: str | None = None) -> dict:
    """Assert the contract's error shape, status and code (and, if given, the failing field)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is not None:
        assert field in body["error"]["fields"], body
    elif code != "validation_error":
        assert body["error"]["fields"] == {}
    return body["error"]


def is_utc_timestamp(value) -> bool:
    """An ISO 8601 timestamp in UTC with the ``Z`` suffix."""
    from datetime import datetime

    if not isinstance(value, str) or not value.endswith("Z"):
        return False
    datetime.fromisoformat(value[:-1] + "+00:00")
    return True
