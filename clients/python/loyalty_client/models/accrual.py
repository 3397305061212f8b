from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.accrual_status_enum import AccrualStatusEnum

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
        available_at (datetime.datetime): From when the lot may be spent.
        expires_at (datetime.datetime | None): Null: never expires.
        status (AccrualStatusEnum | str): CLOSED: nothing remains in the lot. One of `AccrualStatusEnum`; a later
            version may add values, so a client accepts any string here.
        remaining (str): Points still in the lot, pending or available. Example: 50.00.
        spent_amount (str): Taken by redemptions, net of points their reversals put back. Example: 50.00.
        expired_amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        reversed_amount (str): Clawed back. Example: 50.00.
    """

    id: UUID
    program_id: UUID
    participant_id: UUID
    asset_id: UUID
    amount: str
    description: str
    journal_entry_id: UUID
    created_at: datetime.datetime
    available_at: datetime.datetime
    expires_at: datetime.datetime | None
    status: AccrualStatusEnum | str
    remaining: str
    spent_amount: str
    expired_amount: str
    reversed_amount: str
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

        available_at = self.available_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        status: str
        if isinstance(self.status, AccrualStatusEnum):
            status = self.status.value
        else:
            status = self.status

        remaining = self.remaining

        spent_amount = self.spent_amount

        expired_amount = self.expired_amount

        reversed_amount = self.reversed_amount

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
                "available_at": available_at,
                "expires_at": expires_at,
                "status": status,
                "remaining": remaining,
                "spent_amount": spent_amount,
                "expired_amount": expired_amount,
                "reversed_amount": reversed_amount,
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

        available_at = datetime.datetime.fromisoformat(d.pop("available_at"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_status(data: object) -> AccrualStatusEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = AccrualStatusEnum(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccrualStatusEnum | str, data)

        status = _parse_status(d.pop("status"))

        remaining = d.pop("remaining")

        spent_amount = d.pop("spent_amount")

        expired_amount = d.pop("expired_amount")

        reversed_amount = d.pop("reversed_amount")

        accrual = cls(
            id=id,
            program_id=program_id,
            participant_id=participant_id,
            asset_id=asset_id,
            amount=amount,
            description=description,
            journal_entry_id=journal_entry_id,
            created_at=created_at,
            available_at=available_at,
            expires_at=expires_at,
            status=status,
            remaining=remaining,
            spent_amount=spent_amount,
            expired_amount=expired_amount,
            reversed_amount=reversed_amount,
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
