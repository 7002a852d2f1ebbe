"""Typed values out of XML nodes: text, decimals and dates, each tolerant of the small
liberties real producers take (spaces, a date written 2026-11-03 where 20261103 is due)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

Namespaces = dict[str, str]
_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


class Reader:
    """XPath queries with one set of namespace prefixes, and the warnings of one document
    (a value that is there but cannot be read is said, never silently dropped)."""

    def __init__(self, namespaces: Namespaces) -> None:
        self.namespaces = namespaces
        self.warnings: list[str] = []

    def nodes(self, node: etree._Element, path: str) -> list[etree._Element]:
        found = _compiled(path, tuple(sorted(self.namespaces.items())))(node)
        return [item for item in found if isinstance(item, etree._Element)]  # type: ignore[union-attr]

    def node(self, node: etree._Element, path: str) -> etree._Element | None:
        found = self.nodes(node, path)
        return found[0] if found else None

    def text(self, node: etree._Element | None, path: str) -> str | None:
        found = None if node is None else self.node(node, path)
        if found is None or found.text is None:
            return None
        text = " ".join(found.text.split())
        return text or None

    def attribute(self, node: etree._Element | None, path: str, name: str) -> str | None:
        found = None if node is None else self.node(node, path)
        value = None if found is None else found.get(name)
        return value.strip() or None if value else None

    def decimal(self, node: etree._Element | None, path: str) -> Decimal | None:
        text = self.text(node, path)
        if text is None:
            return None
        try:
            value = Decimal(text.replace(" ", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.warnings.append(f"{_name(path)} is not a number: {text!r}.")
            return None
        return value

    def date(self, node: etree._Element | None, path: str) -> date | None:
        text = self.text(node, path)
        if text is None:
            return None
        match = _ISO_DATE.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        self.warnings.append(f"{_name(path)} is not a date: {text!r}.")
        return None


@lru_cache(maxsize=512)
def _compiled(path: str, namespaces: tuple[tuple[str, str], ...]) -> etree.XPath:
    """Compiled once per path and namespace set: an invoice asks each path per line."""
    return etree.XPath(path, namespaces=dict(namespaces))


def _name(path: str) -> str:
    """The path without its namespace prefixes, to name a value in a warning."""
    return re.sub(r"\w+:", "", path)
