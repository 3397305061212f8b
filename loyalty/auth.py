"""
``X-API-Key`` authentication, the permission that requires it, and the
per-key rate limit.

Keys look like ``lk_<prefix>_<secret>``. Only the prefix and the SHA-256 of
the whole key are stored; authentication looks the key up by prefix and
compares hashes in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from functools import cache

from rest_framework import authentication, exceptions, permissions, throttling

from loyalty import sql
from loyalty.models import ApiKey

KEY_PATTERN = re.compile(r"^lk_([a-z0-9]{8})_([A-Za-z0-9]{40})$")
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40
_HASH_COLUMN = [field.attname for field in ApiKey._meta.concrete_fields].index("key_hash")


def hash_key(plain_key: str) -> str:
    return hashlib.sha256(plain_key.encode()).hexdigest()


def generate_key() -> tuple[str, str]:
    """Return a new ``(prefix, plain_key)``."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    return prefix, f"lk_{prefix}_{secret}"


@dataclass(frozen=True)
class KeyScope:
    """What an authenticated key may see: all programs, or a set of ids."""

    api_key: ApiKey
    program_ids: frozenset | None  # None means all programs

    @property
    def all_programs(self) -> bool:
        return self.program_ids is None

    def filter_programs(self, queryset, field: str = "program_id"):
        """Restrict a queryset to the programs the key may see."""
        if self.program_ids is None:
            return queryset
        return queryset.filter(**{f"{field}__in": self.program_ids})


def authenticate_key(plain_key: str) -> KeyScope | None:
    """
    Return the scope of a valid, unrevoked key, or None.

    One query: the key row LEFT JOINed to its programs (one row per program).
    No cache, so a revoked key is refused on its very next request.
    """
    match = KEY_PATTERN.match(plain_key or "")
    if not match:
        return None
    rows = sql.fetchall(_key_query(), [sql.prep(ApiKey, "prefix", match.group(1))])
    if not rows or not hmac.compare_digest(rows[0][_HASH_COLUMN], hash_key(plain_key)):
        return None
    api_key = sql.from_row(ApiKey, rows[0])
    if api_key.all_programs:
        return KeyScope(api_key=api_key, program_ids=None)
    program = ApiKey.programs.through._meta.get_field("program")
    return KeyScope(
        api_key=api_key, program_ids=frozenset(program.to_python(row[-1]) for row in rows if row[-1] is not None)
    )


@cache  # safe for the process's life: the text depends only on the models (see loyalty.sql)
def _key_query() -> str:
    """The unrevoked key with this prefix, LEFT JOINed to its programs (one row per program)."""
    through = ApiKey.programs.through
    key_id = through._meta.get_field("apikey").column
    program_id = through._meta.get_field("program").column
    return (
        f"SELECT {sql.select_list(ApiKey, 'k')}, kp.{sql.quote(program_id)} FROM {sql.table(ApiKey)} k "
        f"LEFT JOIN {sql.table(through)} kp ON kp.{sql.quote(key_id)} = k.{sql.column(ApiKey, 'id')} "
        f"WHERE k.{sql.column(ApiKey, 'prefix')} = %s AND k.{sql.column(ApiKey, 'revoked_at')} IS NULL"
    )


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate ``X-API-Key``; ``request.auth`` becomes a :class:`KeyScope`."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        plain_key = request.META.get(self.header)
        if not plain_key:
            raise exceptions.NotAuthenticated("Missing X-API-Key header.")
        scope = authenticate_key(plain_key)
        if scope is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return (None, scope)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'ApiKey header="X-API-Key"'


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, KeyScope)


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Limit requests per API key (``API_RATE_LIMIT``, default 6000/min)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, KeyScope):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.api_key.prefix}
