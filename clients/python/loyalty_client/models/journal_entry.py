from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.journal_entry_kind_enum import JournalEntryKindEnum

if TYPE_CHECKING:
    from ..models.journal_line import JournalLine


T = TypeVar("T", bound="JournalEntry")


@_attrs_define
class JournalEntry:
    """
    Attributes:
        id (UUID):
        program_id (UUID):
        kind (JournalEntryKindEnum | str): One of `JournalEntryKindEnum`; a later version may add values, so a client
            accepts any string here.
        description (str):
        reverses_entry_id (None | UUID):
        created_at (datetime.datetime):
        lines (list[JournalLine]):
    """

    id: UUID
    program_id: UUID
    kind: JournalEntryKindEnum | str
    description: str
    reverses_entry_id: None | UUID
    created_at: datetime.datetime
    lines: list[JournalLine]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        program_id = str(self.program_id)

        kind: str
        if isinstance(self.kind, JournalEntryKindEnum):
            kind = self.kind.value
        else:
            kind = self.kind

        description = self.description

        reverses_entry_id: None | str
        if isinstance(self.reverses_entry_id, UUID):
            reverses_entry_id = str(self.reverses_entry_id)
        else:
            reverses_entry_id = self.reverses_entry_id

        created_at = self.created_at.isoformat()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "program_id": program_id,
                "kind": kind,
                "description": description,
                "reverses_entry_id": reverses_entry_id,
                "created_at": created_at,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.journal_line import JournalLine  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        program_id = UUID(d.pop("program_id"))

        def _parse_kind(data: object) -> JournalEntryKindEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = JournalEntryKindEnum(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JournalEntryKindEnum | str, data)

        kind = _parse_kind(d.pop("kind"))

        description = d.pop("description")

        def _parse_reverses_entry_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reverses_entry_id_type_0 = UUID(data)

                return reverses_entry_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        reverses_entry_id = _parse_reverses_entry_id(d.pop("reverses_entry_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = JournalLine.from_dict(lines_item_data)

            lines.append(lines_item)

        journal_entry = cls(
            id=id,
            program_id=program_id,
            kind=kind,
            description=description,
            reverses_entry_id=reverses_entry_id,
            created_at=created_at,
            lines=lines,
        )

        journal_entry.additional_properties = d
        return journal_entry

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
