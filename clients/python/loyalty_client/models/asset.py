from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Asset")


@_attrs_define
class Asset:
    """
    Attributes:
        id (UUID):
        program_id (UUID):
        code (str):
        name (str):
        scale (int):
        pending_days (int): Days a new accrual waits before it may be spent.
        validity_days (int | None): Days a new accrual lives; null: never expires.
        created_at (datetime.datetime):
    """

    id: UUID
    program_id: UUID
    code: str
    name: str
    scale: int
    pending_days: int
    validity_days: int | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        program_id = str(self.program_id)

        code = self.code

        name = self.name

        scale = self.scale

        pending_days = self.pending_days

        validity_days: int | None
        validity_days = self.validity_days

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "program_id": program_id,
                "code": code,
                "name": name,
                "scale": scale,
                "pending_days": pending_days,
                "validity_days": validity_days,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        program_id = UUID(d.pop("program_id"))

        code = d.pop("code")

        name = d.pop("name")

        scale = d.pop("scale")

        pending_days = d.pop("pending_days")

        def _parse_validity_days(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        validity_days = _parse_validity_days(d.pop("validity_days"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        asset = cls(
            id=id,
            program_id=program_id,
            code=code,
            name=name,
            scale=scale,
            pending_days=pending_days,
            validity_days=validity_days,
            created_at=created_at,
        )

        asset.additional_properties = d
        return asset

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
