from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccrualCreateRequest")


@_attrs_define
class AccrualCreateRequest:
    """
    Attributes:
        program_id (UUID):
        asset_id (UUID): An asset of the program.
        amount (str): Positive decimal string with at most the asset's scale places. Example: 500.00.
        description (str | Unset): Default "Accrual".
        available_at (datetime.datetime | Unset): Default: now + the asset's `pending_days`. A moment at or before now:
            available at once. Example: 2024-01-15T10:30:00Z.
        expires_at (datetime.datetime | None | Unset): Default: now + the asset's `validity_days` (never when null);
            null: never. Must be in the future and after `available_at`. Example: 2099-12-31T00:00:00Z.
        idempotency_key (str | Unset): Optional; the `Idempotency-Key` header is accepted instead (both with different
            values: 400).
    """

    program_id: UUID
    asset_id: UUID
    amount: str
    description: str | Unset = UNSET
    available_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    idempotency_key: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        asset_id = str(self.asset_id)

        amount = self.amount

        description = self.description

        available_at: str | Unset = UNSET
        if not isinstance(self.available_at, Unset):
            available_at = self.available_at.isoformat()

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

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
        if available_at is not UNSET:
            field_dict["available_at"] = available_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
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

        _available_at = d.pop("available_at", UNSET)
        available_at: datetime.datetime | Unset
        if isinstance(_available_at, Unset):
            available_at = UNSET
        else:
            available_at = datetime.datetime.fromisoformat(_available_at)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        idempotency_key = d.pop("idempotency_key", UNSET)

        accrual_create_request = cls(
            program_id=program_id,
            asset_id=asset_id,
            amount=amount,
            description=description,
            available_at=available_at,
            expires_at=expires_at,
            idempotency_key=idempotency_key,
        )

        return accrual_create_request
