from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AssetCreateRequest")


@_attrs_define
class AssetCreateRequest:
    """
    Attributes:
        program_id (UUID):
        code (str): Unique in the program; upper-case letters, digits and underscores, 1-32 characters.
        name (str):
        scale (int | Unset): Decimal places (0-4). Default: 2.
        pending_days (int | Unset): Days a new accrual waits (0-3650). Default: 0.
        validity_days (int | None | Unset): Days a new accrual lives (1-36500); null: never.
    """

    program_id: UUID
    code: str
    name: str
    scale: int | Unset = 2
    pending_days: int | Unset = 0
    validity_days: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        code = self.code

        name = self.name

        scale = self.scale

        pending_days = self.pending_days

        validity_days: int | None | Unset
        if isinstance(self.validity_days, Unset):
            validity_days = UNSET
        else:
            validity_days = self.validity_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "program_id": program_id,
                "code": code,
                "name": name,
            }
        )
        if scale is not UNSET:
            field_dict["scale"] = scale
        if pending_days is not UNSET:
            field_dict["pending_days"] = pending_days
        if validity_days is not UNSET:
            field_dict["validity_days"] = validity_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        code = d.pop("code")

        name = d.pop("name")

        scale = d.pop("scale", UNSET)

        pending_days = d.pop("pending_days", UNSET)

        def _parse_validity_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        validity_days = _parse_validity_days(d.pop("validity_days", UNSET))

        asset_create_request = cls(
            program_id=program_id,
            code=code,
            name=name,
            scale=scale,
            pending_days=pending_days,
            validity_days=validity_days,
        )

        return asset_create_request
