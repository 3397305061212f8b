from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_actor import AuditActor
    from ..models.audit_event_changes import AuditEventChanges


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        id (UUID):
        created_at (datetime.datetime):
        actor (AuditActor):
        action (str): create, update, delete, revoke, reverse, release, clawback, add_codes, ...
        object_type (str): The resource's singular snake_case name.
        object_id (str):
        program_id (None | UUID):
        changes (AuditEventChanges): {field: [old, new]} with the API's field names and renderings (decimal strings for
            money); [null, value] on create, [value, null] on delete; never a secret, key hash or code.
    """

    id: UUID
    created_at: datetime.datetime
    actor: AuditActor
    action: str
    object_type: str
    object_id: str
    program_id: None | UUID
    changes: AuditEventChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        created_at = self.created_at.isoformat()

        actor = self.actor.to_dict()

        action = self.action

        object_type = self.object_type

        object_id = self.object_id

        program_id: None | str
        if isinstance(self.program_id, UUID):
            program_id = str(self.program_id)
        else:
            program_id = self.program_id

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "program_id": program_id,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_actor import AuditActor  # noqa: PLC0415
        from ..models.audit_event_changes import AuditEventChanges  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        actor = AuditActor.from_dict(d.pop("actor"))

        action = d.pop("action")

        object_type = d.pop("object_type")

        object_id = d.pop("object_id")

        def _parse_program_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                program_id_type_0 = UUID(data)

                return program_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        program_id = _parse_program_id(d.pop("program_id"))

        changes = AuditEventChanges.from_dict(d.pop("changes"))

        audit_event = cls(
            id=id,
            created_at=created_at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            program_id=program_id,
            changes=changes,
        )

        audit_event.additional_properties = d
        return audit_event

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
