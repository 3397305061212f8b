from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReversalCreateRequest")


@_attrs_define
class ReversalCreateRequest:
    """
    Attributes:
        quantity (int | Unset): UNIT_BASED redemptions only.
        amount (str | Unset): AMOUNT_BASED and direct redemptions only. Example: 500.00.
        reason (str | Unset):  Default: ''.
        restock (bool | Unset): Catalog redemptions only; default true (false for CODES rewards, where true is 400).
            False refunds the participant but returns no stock.
        idempotency_key (str | Unset): Optional; the `Idempotency-Key` header is accepted instead (both with different
            values: 400).
    """

    quantity: int | Unset = UNSET
    amount: str | Unset = UNSET
    reason: str | Unset = ""
    restock: bool | Unset = UNSET
    idempotency_key: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        quantity = self.quantity

        amount = self.amount

        reason = self.reason

        restock = self.restock

        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if amount is not UNSET:
            field_dict["amount"] = amount
        if reason is not UNSET:
            field_dict["reason"] = reason
        if restock is not UNSET:
            field_dict["restock"] = restock
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quantity = d.pop("quantity", UNSET)

        amount = d.pop("amount", UNSET)

        reason = d.pop("reason", UNSET)

        restock = d.pop("restock", UNSET)

        idempotency_key = d.pop("idempotency_key", UNSET)

        reversal_create_request = cls(
            quantity=quantity,
            amount=amount,
            reason=reason,
            restock=restock,
            idempotency_key=idempotency_key,
        )

        return reversal_create_request
