from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Accrual")


@_attrs_define
class Accrual:
    """
    Attributes:
        id (UUID):
        program_id (UUID):
        participant_id (UUID):
        asset_id (UUID):
        amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        description (str):
        journal_entry_id (UUID):
        created_at (datetime.datetime):
    """

    id: UUID
    program_id: UUID
    participant_id: UUID
    asset_id: UUID
    amount: str
    description: str
    journal_entry_id: UUID
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        program_id = str(self.program_id)

        participant_id = str(self.participant_id)

        asset_id = str(self.asset_id)

        amount = self.amount

        description = self.description

        journal_entry_id = str(self.journal_entry_id)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "program_id": program_id,
                "participant_id": participant_id,
                "asset_id": asset_id,
                "amount": amount,
                "description": description,
                "journal_entry_id": journal_entry_id,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        program_id = UUID(d.pop("program_id"))

        participant_id = UUID(d.pop("participant_id"))

        asset_id = UUID(d.pop("asset_id"))

        amount = d.pop("amount")

        description = d.pop("description")

        journal_entry_id = UUID(d.pop("journal_entry_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        accrual = cls(
            id=id,
            program_id=program_id,
            participant_id=participant_id,
            asset_id=asset_id,
            amount=amount,
            description=description,
            journal_entry_id=journal_entry_id,
            created_at=created_at,
        )

        accrual.additional_properties = d
        return accrual

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
