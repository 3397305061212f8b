from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DirectRedemptionCreateRequest")


@_attrs_define
class DirectRedemptionCreateRequest:
    """
    Attributes:
        program_id (UUID):
        asset_id (UUID): An asset of that program.
        amount (str): A positive decimal string (no sign, exponent or spaces) with at most 12 integer digits and at most
            the asset's scale in decimal places. A JSON number is 400. Example: 500.00.
        description (str | Unset): Default "Redemption".
        idempotency_key (str | Unset): Optional; the `Idempotency-Key` header is accepted instead (both with different
            values: 400).
    """

    program_id: UUID
    asset_id: UUID
    amount: str
    description: str | Unset = UNSET
    idempotency_key: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        asset_id = str(self.asset_id)

        amount = self.amount

        description = self.description

        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "program_id": program_id,
                "asset_id": asset_id,
                "amount": amount,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        asset_id = UUID(d.pop("asset_id"))

        amount = d.pop("amount")

        description = d.pop("description", UNSET)

        idempotency_key = d.pop("idempotency_key", UNSET)

        direct_redemption_create_request = cls(
            program_id=program_id,
            asset_id=asset_id,
            amount=amount,
            description=description,
            idempotency_key=idempotency_key,
        )

        return direct_redemption_create_request
