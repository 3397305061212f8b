from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.program_status_enum import ProgramStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedProgramUpdateRequest")


@_attrs_define
class PatchedProgramUpdateRequest:
    """
    Attributes:
        name (str | Unset):
        status (ProgramStatusEnum | Unset):
    """

    name: str | Unset = UNSET
    status: ProgramStatusEnum | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _status = d.pop("status", UNSET)
        status: ProgramStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProgramStatusEnum(_status)

        patched_program_update_request = cls(
            name=name,
            status=status,
        )

        return patched_program_update_request
