from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
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
    """

    program_id: UUID
    code: str
    name: str
    scale: int | Unset = 2

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        code = self.code

        name = self.name

        scale = self.scale

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        code = d.pop("code")

        name = d.pop("name")

        scale = d.pop("scale", UNSET)

        asset_create_request = cls(
            program_id=program_id,
            code=code,
            name=name,
            scale=scale,
        )

        return asset_create_request
