"""
Where a webhook may be sent: ``https`` only, to hosts that are not and do
not resolve to a loopback, private, link-local, multicast, reserved or
unspecified address. Checked at registration and again at each delivery
(DNS can change): :func:`resolve_public` resolves the host once, checks
every address, and the sender connects to that checked address (no second
lookup an attacker could answer differently). ``WEBHOOK_ALLOW_HTTP`` and
``WEBHOOK_ALLOW_PRIVATE_URLS`` lift the rules for development and tests.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from loyalty.errors import ValidationFailed


class UnsafeUrl(Exception):
    """The URL may not be called (scheme, host, or an address it resolves to)."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


def url_parts(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of ``url``; raises ``UnsafeUrl`` for a scheme or shape that is not allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"Malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise UnsafeUrl("Must be an https URL.")
    if not parts.hostname:
        raise UnsafeUrl("Must name a host.")
    if parts.username or parts.password:
        raise UnsafeUrl("Must not carry credentials.")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve_public(url: str) -> tuple[str, str, int, str]:
    """
    ``(scheme, host, port, address)``: the address to connect to, after
    checking every address the host resolves to. Raises ``UnsafeUrl``.
    """
    scheme, host, port = url_parts(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnsafeUrl(f"The host {host!r} does not resolve ({exc}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeUrl(f"The host {host!r} does not resolve.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if _forbidden(ipaddress.ip_address(address.split("%")[0])):
                raise UnsafeUrl(
                    f"The host {host!r} is or resolves to {address}, a loopback, private, link-local, multicast or "
                    "unspecified address."
                )
    return scheme, host, port, addresses[0]


def url_check_registration(url: str) -> None:
    """``ValidationFailed`` on ``url`` when it may not be registered."""
    if len(url) > 2000:
        raise ValidationFailed.on("url", "At most 2000 characters.")
    try:
        resolve_public(url)
    except UnsafeUrl as exc:
        raise ValidationFailed.on("url", str(exc)) from None
