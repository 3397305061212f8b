"""
The API's one request parser: strict JSON.

DRF's ``JSONParser`` lets through what a hostile client can use against a
ledger API, or turns it into a 500. This parser answers ``ParseError`` (400
``validation_error``) instead, for:

- duplicate keys in an object (``{"amount": "1", "amount": "1000"}``: which
  one would a proxy, a log or an auditor have seen?);
- ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON);
- nesting deeper than the interpreter can decode (``RecursionError``) and
  integers longer than Python converts (``ValueError``);
- a declared charset other than UTF-8 (RFC 8259: JSON exchanged between
  systems is UTF-8), and bytes that are not valid UTF-8;
- strings holding lone UTF-16 surrogates (``"\\ud800"``): valid JSON escapes
  that cannot be encoded as UTF-8, so no database could store them.

The body's size is capped before any of this runs
(``loyalty.middleware.BodySizeLimitMiddleware``, 413). A valid
``idempotency_key`` in the body goes on the request's log line, as the
``Idempotency-Key`` header does.
"""

from __future__ import annotations

import codecs
import json

from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from loyalty.logging import annotate_request

MAX_DEPTH = 64  # far deeper than any request body of the contract
MAX_KEY_LENGTH = 255


class _DuplicateKey(ValueError):
    pass


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"Duplicate key {key!r} in a JSON object.")
        result[key] = value
    return result


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON.")


def _check_values(value, depth: int = 0) -> None:
    """Reject nesting past ``MAX_DEPTH`` and strings that are not encodable as UTF-8."""
    if depth > MAX_DEPTH:
        raise ValueError(f"The JSON document is nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            key.encode("utf-8")
            _check_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_values(item, depth + 1)


def loads_strict(text: str):
    """``json.loads`` with duplicate keys, non-finite constants and unencodable strings rejected."""
    data = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    _check_values(data)
    return data


def _codec_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


class StrictJSONParser(JSONParser):
    """``application/json`` parsed strictly; every malformed body is a ``ParseError`` (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        _, params = parse_header_parameters(media_type or "")
        charset = params.get("charset")
        if charset is not None and _codec_name(charset) != "utf-8":
            raise ParseError(f"JSON parse error - the body must be UTF-8, not {charset!r}.")
        try:
            raw = stream.read() if stream is not None else b""
            data = loads_strict(raw.decode("utf-8"))
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        except _DuplicateKey as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except UnicodeError:
            raise ParseError("JSON parse error - the body is not valid UTF-8 text.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        _log_idempotency_key((parser_context or {}).get("request"), data)
        return data


def _log_idempotency_key(request, data) -> None:
    """Put the body's ``idempotency_key`` (when it is a valid one) on the request's log line."""
    key = data.get("idempotency_key") if isinstance(data, dict) else None
    if request is not None and isinstance(key, str) and 1 <= len(key) <= MAX_KEY_LENGTH:
        annotate_request(request, idempotency_key=key)
