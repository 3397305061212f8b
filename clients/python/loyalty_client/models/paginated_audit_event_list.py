from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_event import AuditEvent


T = TypeVar("T", bound="PaginatedAuditEventList")


@_attrs_define
class PaginatedAuditEventList:
    """
    Attributes:
        next_ (None | str):
        previous (None | str):
        next_cursor (None | str): Pass back as `?cursor=` for the next page (the `cursor` of the `next` link); null when
            there is none.
        previous_cursor (None | str): Pass back as `?cursor=` for the previous page (the `cursor` of the `previous`
            link); null when there is none.
        results (list[AuditEvent]):
    """

    next_: None | str
    previous: None | str
    next_cursor: None | str
    previous_cursor: None | str
    results: list[AuditEvent]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_: None | str
        next_ = self.next_

        previous: None | str
        previous = self.previous

        next_cursor: None | str
        next_cursor = self.next_cursor

        previous_cursor: None | str
        previous_cursor = self.previous_cursor

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "next": next_,
                "previous": previous,
                "next_cursor": next_cursor,
                "previous_cursor": previous_cursor,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event import AuditEvent  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_next_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_ = _parse_next_(d.pop("next"))

        def _parse_previous(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous = _parse_previous(d.pop("previous"))

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        def _parse_previous_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_cursor = _parse_previous_cursor(d.pop("previous_cursor"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = AuditEvent.from_dict(results_item_data)

            results.append(results_item)

        paginated_audit_event_list = cls(
            next_=next_,
            previous=previous,
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            results=results,
        )

        paginated_audit_event_list.additional_properties = d
        return paginated_audit_event_list

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
