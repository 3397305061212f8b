from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CatalogRedemptionCreateRequest")


@_attrs_define
class CatalogRedemptionCreateRequest:
    """
    Attributes:
        program_id (UUID):
        reward_id (UUID): A reward of that program.
        quantity (int | Unset): UNIT_BASED only (400 for AMOUNT_BASED); default 1.
        amount (str | Unset): AMOUNT_BASED only, required there (400 for UNIT_BASED). Example: 500.00.
        description (str | Unset): Default "Redeemed: <reward name>".
        idempotency_key (str | Unset): Optional; the `Idempotency-Key` header is accepted instead (both with different
            values: 400).
    """

    program_id: UUID
    reward_id: UUID
    quantity: int | Unset = UNSET
    amount: str | Unset = UNSET
    description: str | Unset = UNSET
    idempotency_key: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        reward_id = str(self.reward_id)

        quantity = self.quantity

        amount = self.amount

        description = self.description

        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "program_id": program_id,
                "reward_id": reward_id,
            }
        )
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if amount is not UNSET:
            field_dict["amount"] = amount
        if description is not UNSET:
            field_dict["description"] = description
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        reward_id = UUID(d.pop("reward_id"))

        quantity = d.pop("quantity", UNSET)

        amount = d.pop("amount", UNSET)

        description = d.pop("description", UNSET)

        idempotency_key = d.pop("idempotency_key", UNSET)

        catalog_redemption_create_request = cls(
            program_id=program_id,
            reward_id=reward_id,
            quantity=quantity,
            amount=amount,
            description=description,
            idempotency_key=idempotency_key,
        )

        return catalog_redemption_create_request
