"""Posting one webhook: httpx, redirects never followed (a 3xx would carry the signed
event to another host), http and https only, bounded in time. Every failure becomes a
`DeliveryFailed` with a stable code and a sentence; the details go to the log only."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from app.domain.webhook_targets import TargetRefused, address_refusal, parse_target

log = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https"})


class DeliveryFailed(Exception):
    """An attempt that got no HTTP answer. `final`: no later attempt can do better."""

    def __init__(self, code: str, message: str, *, final: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.final = code, message, final


def check_url(url: str) -> None:
    """DeliveryFailed (final) unless `url` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() in SCHEMES and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise DeliveryFailed("bad_url", "Webhook URLs must be http(s) URLs.", final=True)


@contextmanager
def _failures(url: str, timeout: float) -> Iterator[None]:
    try:
        yield
    except DeliveryFailed:
        raise
    except httpx.TimeoutException as error:
        log.warning("webhook to %s timed out: %r", url, error)
        raise DeliveryFailed("timeout", f"No answer within {timeout:g} s.") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        log.warning("webhook URL %s refused: %r", url, error)
        raise DeliveryFailed("bad_url", "Webhook URLs must be http(s) URLs.", final=True) from None
    except (httpx.TransportError, OSError) as error:
        log.warning("webhook to %s could not connect: %r", url, error)
        raise DeliveryFailed("unreachable", "The receiver could not be reached.") from None
    except Exception as error:  # any other fault stays this delivery's, never the batch's
        log.exception("webhook to %s failed unexpectedly: %r", url, error)
        raise DeliveryFailed("send_error", "The event could not be sent.") from None


class HttpSender:
    """A `Sender` over one httpx client (connections reused across a batch)."""

    def __init__(self, timeout: float = 10.0, transport: httpx.BaseTransport | None = None):
        self.timeout = timeout
        self.client = httpx.Client(
            follow_redirects=False, timeout=httpx.Timeout(timeout), transport=transport
        )

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        check_url(url)
        with _failures(url, self.timeout):
            response = self.client.post(url, content=body, headers=headers)
        return response.status_code

    def post_pinned(self, url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
        """Post to `url`, connecting to `address` (already checked) and to nothing else:
        the host name is not looked up again, so it cannot resolve elsewhere meanwhile.
        TLS still verifies the certificate against the URL's host name."""
        with _failures(url, self.timeout):
            original = httpx.URL(url)
            pinned = original.copy_with(host=address)
            headers = {**headers, "Host": original.netloc.decode("ascii")}
            extensions = {"sni_hostname": original.host} if original.scheme == "https" else {}
            response = self.client.post(
                pinned, content=body, headers=headers, extensions=extensions
            )
        return response.status_code

    def close(self) -> None:
        self.client.close()


# Looks a host name up: (host, port) -> its addresses.
Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def public_addresses(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> list[str]:
    """The addresses `url`'s host resolves to, all of which may receive webhooks; else
    TargetRefused. Checked when a practice registers an endpoint and before every post."""
    target = parse_target(url, allow_private=allow_private)
    try:
        addresses = resolver(target.host, target.port)
    except (OSError, UnicodeError):
        raise TargetRefused("unresolvable", f"The host {target.host} could not be found.") from None
    if not addresses:
        raise TargetRefused("unresolvable", f"The host {target.host} could not be found.")
    for address in addresses:
        refusal = address_refusal(address, allow_private=allow_private)
        if refusal is not None:
            raise TargetRefused("private_address", refusal)
    return addresses


class GuardedSender:
    """A `Sender` for practices' endpoints: the host is resolved again before each post
    and every address checked, then the post goes to a checked address only."""

    def __init__(
        self, sender: HttpSender, *, allow_private: bool, resolver: Resolver = resolve
    ) -> None:
        self.sender, self.allow_private, self.resolver = sender, allow_private, resolver

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            addresses = public_addresses(
                url, allow_private=self.allow_private, resolver=self.resolver
            )
        except TargetRefused as refused:
            # A name that does not resolve now may resolve later; a refused address is final.
            final = refused.code != "unresolvable"
            raise DeliveryFailed(refused.code, refused.message, final=final) from None
        return self.sender.post_pinned(url, addresses[0], body, headers)
