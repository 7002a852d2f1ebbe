"""Posting one webhook: httpx, redirects never followed (a 3xx would carry the signed
event to another host), http and https only, bounded in time. Every failure becomes a
`DeliveryFailed` with a stable code and a sentence; the details go to the log only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

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

    def close(self) -> None:
        self.client.close()
