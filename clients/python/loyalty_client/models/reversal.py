from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.redemption import Redemption


T = TypeVar("T", bound="Reversal")


@_attrs_define
class Reversal:
    """
    Attributes:
        id (UUID):
        redemption_id (UUID):
        amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        quantity (int | None):
        reason (str):
        restock (bool | None):
        journal_entry_id (UUID):
        created_at (datetime.datetime):
        redemption (Redemption):
    """

    id: UUID
    redemption_id: UUID
    amount: str
    quantity: int | None
    reason: str
    restock: bool | None
    journal_entry_id: UUID
    created_at: datetime.datetime
    redemption: Redemption
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        redemption_id = str(self.redemption_id)

        amount = self.amount

        quantity: int | None
        quantity = self.quantity

        reason = self.reason

        restock: bool | None
        restock = self.restock

        journal_entry_id = str(self.journal_entry_id)

        created_at = self.created_at.isoformat()

        redemption = self.redemption.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "redemption_id": redemption_id,
                "amount": amount,
                "quantity": quantity,
                "reason": reason,
                "restock": restock,
                "journal_entry_id": journal_entry_id,
                "created_at": created_at,
                "redemption": redemption,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.redemption import Redemption  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        redemption_id = UUID(d.pop("redemption_id"))

        amount = d.pop("amount")

        def _parse_quantity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        quantity = _parse_quantity(d.pop("quantity"))

        reason = d.pop("reason")

        def _parse_restock(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        restock = _parse_restock(d.pop("restock"))

        journal_entry_id = UUID(d.pop("journal_entry_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        redemption = Redemption.from_dict(d.pop("redemption"))

        reversal = cls(
            id=id,
            redemption_id=redemption_id,
            amount=amount,
            quantity=quantity,
            reason=reason,
            restock=restock,
            journal_entry_id=journal_entry_id,
            created_at=created_at,
            redemption=redemption,
        )

        reversal.additional_properties = d
        return reversal

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
