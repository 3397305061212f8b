"""
Path ids of a request.

An object in a program the key may not see is answered 404, exactly as if
it did not exist (the selectors' ``*_get``, see ``loyalty.selectors``); so
is a malformed UUID in a path. A malformed UUID in a body is 400 (the input
serializer's job); a well-formed body id that names nothing visible is 404.
"""

from __future__ import annotations

import uuid

from loyalty.errors import NotFound


def parse_path_uuid(value) -> uuid.UUID:
    """A path id; anything that is not a UUID is 404."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None
