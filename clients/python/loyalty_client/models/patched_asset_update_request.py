from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedAssetUpdateRequest")


@_attrs_define
class PatchedAssetUpdateRequest:
    """``PATCH /assets/{id}``: only ``name`` and the lifecycle policy change (for accruals made after it).

    Attributes:
        name (str | Unset):
        pending_days (int | Unset): Days a new accrual waits (0-3650).
        validity_days (int | None | Unset): Days a new accrual lives (1-36500); null: never.
    """

    name: str | Unset = UNSET
    pending_days: int | Unset = UNSET
    validity_days: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        pending_days = self.pending_days

        validity_days: int | None | Unset
        if isinstance(self.validity_days, Unset):
            validity_days = UNSET
        else:
            validity_days = self.validity_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if pending_days is not UNSET:
            field_dict["pending_days"] = pending_days
        if validity_days is not UNSET:
            field_dict["validity_days"] = validity_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        pending_days = d.pop("pending_days", UNSET)

        def _parse_validity_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        validity_days = _parse_validity_days(d.pop("validity_days", UNSET))

        patched_asset_update_request = cls(
            name=name,
            pending_days=pending_days,
            validity_days=validity_days,
        )

        return patched_asset_update_request
