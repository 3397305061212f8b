"""
``X-API-Key`` authentication (with its per-address limit on failures), the
permission that requires it, and the per-key rate limit.

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
import uuid
from dataclasses import dataclass
from functools import cache, lru_cache

from django.conf import settings
from rest_framework import authentication, exceptions, permissions, throttling

from loyalty import ratelimit, sql
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
    """What an authenticated key may see: its tenant's programs, all of them or a set of ids."""

    api_key: ApiKey
    tenant_id: uuid.UUID
    program_ids: frozenset | None  # None means all the tenant's programs

    @property
    def all_programs(self) -> bool:
        return self.program_ids is None

    def filter_visible(self, queryset, program_field: str = "program_id"):
        """
        Restrict a queryset of a tenant-owned model to the key's tenant and
        the programs the key may see (``program_field``: the model's program
        id, ``"id"`` for programs themselves).
        """
        queryset = queryset.filter(tenant_id=self.tenant_id)
        if self.program_ids is None:
            return queryset
        return queryset.filter(**{f"{program_field}__in": self.program_ids})


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
        return KeyScope(api_key=api_key, tenant_id=api_key.tenant_id, program_ids=None)
    program = ApiKey.programs.through._meta.get_field("program")
    return KeyScope(
        api_key=api_key,
        tenant_id=api_key.tenant_id,
        program_ids=frozenset(program.to_python(row[-1]) for row in rows if row[-1] is not None),
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


AUTH_FAILURES = "auth_failures"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """
    Authenticate ``X-API-Key``; ``request.auth`` becomes a :class:`KeyScope`.

    Failed attempts count per client address (``AUTH_FAILURE_RATE_LIMIT``):
    once an address has used them up, its requests with a key answer ``429``
    before the key is looked up, so a flood of bad keys costs no database work.
    """

    header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        plain_key = request.META.get(self.header)
        if not plain_key:
            raise exceptions.NotAuthenticated("Missing X-API-Key header.")
        client = ratelimit.client_address(request.META, settings.TRUSTED_PROXY_HOPS)
        rate = auth_failure_rate()
        verdict = ratelimit.peek(AUTH_FAILURES, client, rate)
        if not verdict.allowed:
            raise exceptions.Throttled(wait=verdict.retry_after)
        scope = authenticate_key(plain_key)
        if scope is None:
            ratelimit.hit(AUTH_FAILURES, client, rate)
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return (None, scope)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'ApiKey header="X-API-Key"'


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, KeyScope)


def auth_failure_rate() -> ratelimit.Rate:
    return _parsed_rate(settings.AUTH_FAILURE_RATE_LIMIT)


@lru_cache(maxsize=8)  # safe: a pure function of the rate text
def _parsed_rate(text: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(text)


class ApiKeyRateThrottle(throttling.BaseThrottle):
    """
    Limit requests per API key (``API_RATE_LIMIT``, default 6000/min) in the
    shared cache, one atomic counter per key and window (``loyalty.ratelimit``);
    past it DRF answers ``429`` with ``Retry-After`` (the window's end).
    """

    scope = "api_key"
    rate: str | None = None  # DRF's rate syntax; None reads DEFAULT_THROTTLE_RATES["api_key"]

    def __init__(self):
        if not self.rate:
            self.rate = throttling.api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        self._wait: int | None = None

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, KeyScope):
            return True
        verdict = ratelimit.hit(self.scope, request.auth.api_key.prefix, _parsed_rate(self.rate))
        self._wait = verdict.retry_after
        return verdict.allowed

    def wait(self) -> int | None:
        return self._wait
