"""Invented companies: name with the country's legal form, address, registry, VAT id,
a well-formed IBAN, people and web domain."""

from __future__ import annotations

import random
from dataclasses import dataclass

from training.locales import Style
from training.names import WORDS, cities


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    city: str
    country: str
    vat_id: str
    registry: str
    iban: str
    bic: str
    phone: str
    email: str
    web: str
    director: str
    contact: str
    brand: str = ""  # the distinctive word of the name, as a logo would show it

    @property
    def town(self) -> str:
        """The town alone: after a leading postcode, or before a trailing one."""
        if self.city[:1].isdigit():
            return self.city.split()[-1]
        return self.city.split()[0].rstrip(",")


def make_party(rng: random.Random, style: Style) -> Party:
    country = style.country
    words = WORDS[country.language]
    stem = rng.choice(words["surname"]) if rng.random() < 0.5 else rng.choice(words["brand"])
    trade = rng.choice(words["trade"])
    base = f"{trade} {stem}" if country.language in ("fr", "es", "it") else f"{stem} {trade}"
    name = f"{base} {rng.choice(country.legal_forms)}"
    domain = "".join(ch for ch in stem.lower() if ch.isascii() and ch.isalpha())
    tld = {"GB": "co.uk", "US": "com"}.get(country.code, country.code.lower())
    person = f"{rng.choice(words['given'])} {rng.choice(words['surname'])}"
    contact = f"{rng.choice(words['given'])} {rng.choice(words['surname'])}"
    return Party(
        name=name,
        street=f"{rng.choice(words['street'])} {rng.randrange(1, 180)}",
        city=rng.choice(cities(country.language, country.code)),
        country=country.name,
        vat_id=f"{country.vat_prefix}{rng.randrange(10**8, 10**9)}",
        registry=registry(rng, country.code),
        iban=iban(rng, country.code),
        bic=f"{rng.choice(('BANK', 'CRED', 'SPAR', 'COOP'))}{country.code}{rng.randrange(10, 99)}",
        phone=f"{country.phone_prefix} {rng.randrange(10, 99)} {rng.randrange(1000000, 9999999)}",
        email=f"{rng.choice(('info', 'billing', 'accounts', 'contact'))}@{domain}.{tld}",
        web=f"www.{domain}.{tld}",
        director=person,
        contact=contact,
        brand=stem,
    )


def registry(rng: random.Random, country: str) -> str:
    """A trade-register entry in the country's usual shape."""
    number = rng.randrange(10000, 999999)
    return {
        "DE": f"HRB {number}",
        "AT": f"FN {number}a",
        "CH": f"CHE-{number:06d}.{number % 997:03d}",
        "FR": f"{rng.choice(('Paris', 'Lyon', 'Nantes'))} B {number:06d}{number % 1000:03d}",
        "BE": f"RPM 0{number:06d}{number % 1000:03d}",
        "NL": f"{number:08d}",
        "ES": f"Tomo {number % 9000}, Folio {number % 200}, Hoja M-{number}",
        "IT": f"MI-{number}",
        "GB": f"{number:08d}",
        "IE": f"{number}",
        "US": f"EIN {number}",
    }[country]


def iban(rng: random.Random, country: str) -> str:
    """A well-formed IBAN (the mod-97 check digits are right) for no real account."""
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(digits) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
