"""Every layout family, by name, in a fixed order."""

from __future__ import annotations

from training.families import letters, receipts, special, tables
from training.families.base import Family

ALL: tuple[Family, ...] = (
    *letters.FAMILIES,
    *tables.FAMILIES,
    *special.FAMILIES,
    *receipts.FAMILIES,
)
BY_NAME: dict[str, Family] = {family.name: family for family in ALL}
