from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.accrual import Accrual


T = TypeVar("T", bound="AccrualReversal")


@_attrs_define
class AccrualReversal:
    """
    Attributes:
        id (UUID):
        accrual_id (UUID):
        amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        reason (str):
        journal_entry_id (UUID):
        created_at (datetime.datetime):
        accrual (Accrual):
    """

    id: UUID
    accrual_id: UUID
    amount: str
    reason: str
    journal_entry_id: UUID
    created_at: datetime.datetime
    accrual: Accrual
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        accrual_id = str(self.accrual_id)

        amount = self.amount

        reason = self.reason

        journal_entry_id = str(self.journal_entry_id)

        created_at = self.created_at.isoformat()

        accrual = self.accrual.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "accrual_id": accrual_id,
                "amount": amount,
                "reason": reason,
                "journal_entry_id": journal_entry_id,
                "created_at": created_at,
                "accrual": accrual,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.accrual import Accrual  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        accrual_id = UUID(d.pop("accrual_id"))

        amount = d.pop("amount")

        reason = d.pop("reason")

        journal_entry_id = UUID(d.pop("journal_entry_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        accrual = Accrual.from_dict(d.pop("accrual"))

        accrual_reversal = cls(
            id=id,
            accrual_id=accrual_id,
            amount=amount,
            reason=reason,
            journal_entry_id=journal_entry_id,
            created_at=created_at,
            accrual=accrual,
        )

        accrual_reversal.additional_properties = d
        return accrual_reversal

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
