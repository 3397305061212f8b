from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccrualReversalCreateRequest")


@_attrs_define
class AccrualReversalCreateRequest:
    """
    Attributes:
        amount (str | Unset): Default: all that the lot's `remaining` holds. At most `remaining`. Example: 500.00.
        reason (str | Unset):  Default: ''.
        idempotency_key (str | Unset): Optional; the `Idempotency-Key` header is accepted instead (both with different
            values: 400).
    """

    amount: str | Unset = UNSET
    reason: str | Unset = ""
    idempotency_key: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        reason = self.reason

        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if amount is not UNSET:
            field_dict["amount"] = amount
        if reason is not UNSET:
            field_dict["reason"] = reason
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        reason = d.pop("reason", UNSET)

        idempotency_key = d.pop("idempotency_key", UNSET)

        accrual_reversal_create_request = cls(
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
        )

        return accrual_reversal_create_request
