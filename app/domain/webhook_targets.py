"""Where a practice's webhook may point: an https URL whose host resolves only to public
addresses. Private, loopback, link-local and other special addresses would let a practice
make Dossier post into the network it runs in; the operator may allow them (and plain
http with them) for development and tests."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
EVENT_TYPE_PREFIX = "client_file."
EVENT_TYPE = re.compile(r"client_file\.[a-z][a-z_]{0,39}")


class TargetRefused(ValueError):
    """The URL or its addresses may not receive webhooks; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str, *, allow_private: bool) -> Target:
    """The URL's parts, or TargetRefused: https only (http too when private targets are
    allowed), a host, no credentials in the URL."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused("bad_url", f"A webhook URL has at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise TargetRefused("bad_url", "This is not a valid URL.") from None
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme.lower() not in schemes:
        raise TargetRefused("https_only", "Webhook URLs must start with https://.")
    if not host:
        raise TargetRefused("bad_url", "A webhook URL needs a host name.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("bad_url", "A webhook URL may not hold a user name or password.")
    default_port = 443 if parts.scheme.lower() == "https" else 80
    return Target(parts.scheme.lower(), host.lower(), port or default_port)


def address_refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a receiver at `address` is refused, or None when it may receive webhooks."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "The receiver's address could not be read."
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private or (ip.is_global and not ip.is_multicast):
        return None
    return (
        f"The receiver's address {ip} is private, loopback, link-local or reserved; "
        "webhooks are posted to public addresses only."
    )


def checked_event_types(event_types: list[str]) -> list[str]:
    """The filter of an endpoint: event types such as `client_file.detach`; empty = all.
    Types are checked by shape, not against today's list, so a filter may name an event
    type a later version of Dossier adds."""
    unknown = sorted(kind for kind in set(event_types) if not EVENT_TYPE.fullmatch(kind))
    if unknown:
        raise TargetRefused(
            "bad_event_type",
            f"Event types look like 'client_file.detach'; these do not: {', '.join(unknown)}.",
        )
    return sorted(set(event_types))


def wants(event_types: list[str], action: str) -> bool:
    return not event_types or EVENT_TYPE_PREFIX + action in event_types
