"""
Serializers with their fields built once per class, for the money path.

DRF builds a serializer's fields anew for every instance: a deep copy of
the class's declared fields, then each field bound to the new serializer.
For the catalog redemption that was about a tenth of the request's Python
time (the input serializer's six fields and the output serializer's
eighteen), more than its three writing statements cost in psycopg.

The input and output serializers of this API read no context, no
``instance`` and no ``initial_data`` (``tests`` check each one used here),
so one instance per class, its fields built and bound once, validates and
renders for every request (and renders the events' ``data``, which is the
object as the API answers it): :func:`validated` is ``is_valid()`` then
``validated_data`` and :func:`represented` is ``.data``. A body that fails
validation is validated again by a new instance, so its error is DRF's own. A field's validation and representation
keep no state between calls, so the shared instance is safe across threads.
"""

from __future__ import annotations

from rest_framework import serializers

_bound: dict[tuple[type[serializers.Serializer], bool], serializers.Serializer] = {}


def _instance(serializer_class: type[serializers.Serializer], partial: bool = False) -> serializers.Serializer:
    key = (serializer_class, partial)
    serializer = _bound.get(key)
    if serializer is None:
        serializer = serializer_class(partial=partial)
        serializer.fields  # noqa: B018 - built and bound here, once
        _bound[key] = serializer
    return serializer


def validated(serializer_class: type[serializers.Serializer], data, *, partial: bool = False) -> dict:
    """``serializer_class(data=data, partial=partial)``'s ``validated_data``, or its ``ValidationError``."""
    try:
        return _instance(serializer_class, partial).run_validation(data)
    except serializers.ValidationError:
        pass
    # The rare path: DRF's own is_valid() shapes the error (a null body's "No data provided", for one).
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    raise AssertionError(f"{serializer_class.__name__}: valid on the second look")  # pragma: no cover


def represented(serializer_class: type[serializers.Serializer], instance) -> dict:
    """``serializer_class(instance).data``."""
    return _instance(serializer_class).to_representation(instance)
