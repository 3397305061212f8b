from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.healthz_response_200_cache import HealthzResponse200Cache
from ..models.healthz_response_200_database import HealthzResponse200Database
from ..models.healthz_response_200_status import HealthzResponse200Status

T = TypeVar("T", bound="HealthzResponse200")


@_attrs_define
class HealthzResponse200:
    """
    Attributes:
        status (HealthzResponse200Status):
        database (HealthzResponse200Database):
        cache (HealthzResponse200Cache):
    """

    status: HealthzResponse200Status
    database: HealthzResponse200Database
    cache: HealthzResponse200Cache
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        database = self.database.value

        cache = self.cache.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "database": database,
                "cache": cache,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = HealthzResponse200Status(d.pop("status"))

        database = HealthzResponse200Database(d.pop("database"))

        cache = HealthzResponse200Cache(d.pop("cache"))

        healthz_response_200 = cls(
            status=status,
            database=database,
            cache=cache,
        )

        healthz_response_200.additional_properties = d
        return healthz_response_200

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
