"""Small request-parsing helpers shared by the rewards API views."""

from __future__ import annotations

from loyalty.errors import ValidationFailed
from loyalty.idempotency import resolve_idempotency_key

TRUE_VALUES = {"true", "1"}
FALSE_VALUES = {"false", "0"}


def idempotency_key_of(request, data: dict) -> str | None:
    """Pop the body's key and resolve it with the ``Idempotency-Key`` header (both and different: 400)."""
    return resolve_idempotency_key(
        body_key=data.pop("idempotency_key", None), header_key=request.headers.get("Idempotency-Key")
    )


def query_flag(request, name: str) -> bool:
    """A boolean query parameter: ``true``/``1`` or ``false``/``0`` (absent: false); anything else is 400."""
    value = request.query_params.get(name)
    if value is None:
        return False
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    raise ValidationFailed.on(name, "Must be true or false.")
