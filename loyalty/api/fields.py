"""
Strict serializer fields and the base input serializer.

The contract's types are strict: a string where an integer is expected, a
boolean where a number is, or a JSON number where a decimal string is
expected, is 400; unknown and read-only fields in a write body are 400.
DRF's stock fields coerce, so the input serializers use these instead.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from loyalty.idempotency import MAX_KEY_LENGTH
from loyalty.money import MAX_INPUT_AMOUNT

# Plain positive decimal: digits, optional fraction. No sign, exponent,
# whitespace, hex, or trailing dot.
DECIMAL_STRING_RE = re.compile(r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?$")
DECIMAL_STRING_PATTERN = DECIMAL_STRING_RE.pattern

# The same values without zero: what a DecimalStringField accepts unless allow_zero (an OpenAPI
# pattern cannot compare numbers, so "positive" is spelled out: no zero after the point either).
POSITIVE_DECIMAL_STRING_PATTERN = (
    r"^([1-9][0-9]{0,11}(\.[0-9]{1,4})?|0\.([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]))$"
)


class DecimalStringFieldSchema(OpenApiSerializerFieldExtension):
    """The OpenAPI schema of every DecimalStringField (its help_text, if any, replaces the description)."""

    target_class = "loyalty.api.fields.DecimalStringField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        allow_zero = self.target.allow_zero
        return {
            "type": "string",
            "pattern": DECIMAL_STRING_PATTERN if allow_zero else POSITIVE_DECIMAL_STRING_PATTERN,
            "maxLength": 17,
            "example": "500.00",
            "description": f"A {'non-negative' if allow_zero else 'positive'} decimal string (no sign, exponent or "
            "spaces) with at most 12 integer digits and at most the asset's scale in decimal places. A JSON "
            "number is 400.",
        }


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "A JSON integer is required."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "A JSON boolean (true or false) is required."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictUUIDField(serializers.UUIDField):
    default_error_messages = {"invalid": "Must be a valid UUID string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return uuid.UUID(data)
        except ValueError:
            self.fail("invalid")


class DecimalStringField(serializers.Field):
    """
    A positive decimal amount sent as a string (``"50.00"``).

    Up to 12 integer digits and 4 decimal places here; the asset's own scale is
    checked where the asset is known (``check_scale``).
    """

    default_error_messages = {
        "type": "Must be a decimal string such as \"50.00\", not a JSON number.",
        "invalid": "Must be a plain positive decimal string such as \"50.00\" (no sign, exponent or spaces).",
        "positive": "Must be greater than zero.",
        "max": "Must be at most 999999999999.99.",
    }

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("type")
        if not DECIMAL_STRING_RE.fullmatch(data):  # match() would let a trailing newline through
            self.fail("invalid")
        try:
            value = Decimal(data)
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            self.fail("invalid")
        if value > MAX_INPUT_AMOUNT:
            self.fail("max")
        if value <= 0 and not self.allow_zero:
            self.fail("positive")
        return value

    def to_representation(self, value):
        return str(value)


def idempotency_key_field() -> StrictCharField:
    """The optional ``idempotency_key`` of a movement's body (read with ``ApiViewMixin.pop_idempotency_key``)."""
    return StrictCharField(
        required=False,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        trim_whitespace=False,
        help_text="Optional; the `Idempotency-Key` header is accepted instead (both with different values: 400).",
    )


class StrictInputSerializer(serializers.Serializer):
    """Rejects bodies that are not JSON objects and fields it does not declare."""

    unknown_field_message = "Unknown field."
    read_only_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
        errors = {}
        for name in data:
            if name not in self.fields:
                errors[name] = [
                    "This field is read-only." if name in self.read_only_fields else self.unknown_field_message
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
