"""Receipts Dossier has never seen: rendered on the spot in French, English, German and
Dutch, photographed badly (tilt, blur, noise, JPEG), with their expected fields.

The wording, layouts and distractors (change given, card slips, due dates, order dates)
are written independently of the development set, so scores on them say something about
documents the rules were not tuned on.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
_SHOPS = {
    "fr": ["Boulangerie Lemoine", "Pharmacie du Parc", "Quincaillerie Roux SARL", "Café Mistral"],
    "en": ["Harbour Books Ltd", "Green Leaf Grocers", "Copper Kettle Cafe", "Northgate Hardware"],
    "de": ["Bäckerei Hofmann GmbH", "Apotheke am Markt", "Eisenwaren Krüger", "Café Lindner"],
    "nl": ["Bakkerij Visser", "Drogisterij De Linde B.V.", "IJzerhandel Bakker", "Koffiehuis Zon"],
}
_ITEMS = ["Pain", "Croissant", "Book", "Tea", "Brot", "Kaffee", "Brood", "Kaas", "Soap", "Pens"]
_WORDS: dict[str, dict[str, str]] = {
    "fr": {"no": "Ticket n°", "date": "Date :", "sub": "Total HT", "tax": "TVA {r}%",
           "total": "Total TTC", "paid": "Espèces", "change": "Rendu", "other": "Commande du"},
    "en": {"no": "Receipt #", "date": "Date:", "sub": "Subtotal", "tax": "VAT {r}%",
           "total": "TOTAL", "paid": "Cash", "change": "Change", "other": "Order date"},
    "de": {"no": "Bon-Nr.", "date": "Datum:", "sub": "Netto", "tax": "MwSt. {r}%",
           "total": "Summe", "paid": "Bar", "change": "Rückgeld", "other": "Bestelldatum"},
    "nl": {"no": "Bonnummer", "date": "Datum:", "sub": "Subtotaal", "tax": "BTW {r}%",
           "total": "Totaal", "paid": "Contant", "change": "Wisselgeld", "other": "Besteldatum"},
}  # fmt: skip
_HARD_TOTALS = {
    "fr": ["TOTAL A PAYER", "Net à payer", "MONTANT TTC"],
    "en": ["Amount due", "Balance due", "Total to pay"],
    "de": ["Zu zahlen", "Gesamtbetrag", "SUMME EUR"],
    "nl": ["Te betalen", "Totaalbedrag", "TOTAAL"],
}
_HARD_NOISE = {
    "fr": ["SIRET 812 345 678 00017", "TVA intracom. FR12812345678", "Tél. 04 72 10 33 21"],
    "en": ["VAT Reg No. GB 123 4567 89", "Tel 020 7946 0321", "Company No. 08123456"],
    "de": ["USt-IdNr. DE 123 456 789", "Steuer-Nr. 21/815/08150", "Tel. 030 1234567"],
    "nl": ["BTW-nr NL001234567B01", "KvK 12345678", "Tel. 020 123 4567"],
}
_SLIP = {"fr": "CARTE BANCAIRE SANS CONTACT", "en": "CARD PAYMENT - CONTACTLESS",
         "de": "Kartenzahlung girocard", "nl": "PIN betaling Maestro"}  # fmt: skip
_SLIP_AMOUNT = {"fr": "MONTANT", "en": "AMOUNT", "de": "Betrag", "nl": "Bedrag"}
_RATES = {"fr": [20, 10, 5.5], "en": [20], "de": [19, 7], "nl": [21, 9]}


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    truth: dict[str, Any]


def make_cases(count: int = 24, seed: int = 7, *, hard: bool = False) -> list[Case]:
    """`hard`: other wordings, two VAT rates, tax ids, card slips, more tilt, smaller type."""
    rng = random.Random(seed)
    languages = ["fr", "en", "de", "nl"]
    return [_case(rng, languages[index % 4], index, hard) for index in range(count)]


def make_sideways(count: int = 8, seed: int = 19) -> list[Case]:
    """Receipt photos saved a quarter turn off (90 or 270 degrees) with no EXIF tag to
    say so, as some scanning apps and messengers deliver them."""
    return _turned(make_cases(count, seed=seed), "sideways", (90, 270))


def make_upside_down(count: int = 8, seed: int = 23) -> list[Case]:
    """Receipt photos saved upside down (180 degrees) with no EXIF tag: the receipt was
    laid on the table facing the other way."""
    return _turned(make_cases(count, seed=seed), "upside-down", (180,))


def _turned(cases: list[Case], label: str, angles: tuple[int, ...]) -> list[Case]:
    turned = []
    for index, case in enumerate(cases):
        with Image.open(io.BytesIO(case.data)) as photo:
            angle = angles[index % len(angles)]
            buffer = io.BytesIO()
            photo.rotate(angle, expand=True).save(buffer, format="JPEG", quality=80)
        name = case.name.replace("synthetic-", f"{label}-{angle}-")
        turned.append(Case(name, buffer.getvalue(), case.truth))
    return turned


@dataclass(frozen=True)
class _Sale:
    lang: str
    currency: str
    shop: str
    when: dt.date
    items: list[tuple[str, Decimal, Decimal]]  # name, price with tax, VAT rate
    number: str
    words: dict[str, str]
    hard: bool

    @property
    def total(self) -> Decimal:
        return sum((price for _, price, _ in self.items), Decimal(0))

    @property
    def taxes(self) -> dict[Decimal, Decimal]:
        """Tax per VAT rate, from prices that include it."""
        return {
            rate: sum(
                (p - (p / (1 + rate / 100)).quantize(Decimal("0.01")))
                for _, p, r in self.items
                if r == rate
            )
            for rate in sorted({r for _, _, r in self.items})
        }


def _case(rng: random.Random, lang: str, index: int, hard: bool) -> Case:
    shop = rng.choice(_SHOPS[lang])
    currency = {"en": rng.choice(["GBP", "USD"])}.get(lang, "EUR")
    when = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
    rates = _RATES[lang] if currency != "USD" else [8.25]
    chosen = rng.sample(rates, 2) if hard and len(rates) > 1 and rng.random() < 0.6 else rates[:1]
    items = [
        (
            rng.choice(_ITEMS),
            Decimal(rng.randrange(80, 4000)) / 100,
            Decimal(str(rng.choice(chosen))),
        )
        for _ in range(rng.randrange(2, 7))
    ]
    number = f"{rng.randrange(1000, 99999)}"
    words = dict(_WORDS[lang])
    if hard:
        words["total"] = rng.choice(_HARD_TOTALS[lang])
    sale = _Sale(lang, currency, shop, when, items, number, words, hard)
    truth = {
        "issuer": shop,
        "date": when.isoformat(),
        "amount": float(sale.total),
        "amount_tax": float(sum(sale.taxes.values(), Decimal(0))),
        "currency": currency,
        "invoice_number": number,
    }
    name = f"synthetic-{'hard-' if hard else ''}{index:02d}-{lang}.jpg"
    return Case(name, _photo(_lines(rng, sale), rng, hard), truth)


def _lines(rng: random.Random, sale: _Sale) -> list[tuple[str, str]]:
    """The receipt, line by line: (text on the left, amount on the right)."""
    lang, words, hard, total = sale.lang, sale.words, sale.hard, sale.total

    def amount(value: Decimal) -> str:
        return _format(value, lang, sale.currency, rng)

    def day(when: dt.date) -> str:
        return _date(when, lang, sale.currency, rng, hard)

    top = sale.shop.upper() if hard and rng.random() < 0.5 else sale.shop
    lines: list[tuple[str, str]] = [(top, ""), (_address(rng, lang), "")]
    if hard:
        lines.append((rng.choice(_HARD_NOISE[lang]), ""))
    if rng.random() < 0.4:
        lines.append(
            (f"{words['other']} {day(sale.when - dt.timedelta(rng.randrange(1, 20)))}", "")
        )
    stamp = f" {rng.randrange(7, 21)}:{rng.randrange(60):02d}" if hard else ""
    lines += [
        (f"{words['no']} {sale.number}", ""),
        (f"{words['date']} {day(sale.when)}{stamp}", ""),
    ]
    lines += [(name, amount(price)) for name, price, _ in sale.items]
    lines.append((words["sub"], amount(total - sum(sale.taxes.values(), Decimal(0)))))
    lines += [(words["tax"].format(r=_rate(r, lang)), amount(t)) for r, t in sale.taxes.items()]
    lines.append((words["total"], amount(total)))
    handed = (total / 10 + 1).quantize(Decimal("1")) * 10
    lines += [(words["paid"], amount(handed)), (words["change"], amount(handed - total))]
    if hard:
        lines += [("", ""), (_SLIP[lang], ""), (f"{_SLIP_AMOUNT[lang]} {amount(total)}", "")]
    return lines


def _format(value: Decimal, lang: str, currency: str, rng: random.Random) -> str:
    text = f"{value:.2f}"
    if lang != "en":
        text = text.replace(".", ",")
        return rng.choice([f"{text} €", f"€ {text}", f"{text} EUR", text])
    symbol = {"GBP": "£", "USD": "$"}[currency]
    return rng.choice([f"{symbol}{text}", text])


def _rate(rate: Decimal, lang: str) -> str:
    text = f"{rate.normalize():f}"
    return text.replace(".", ",") if lang != "en" else text


def _date(when: dt.date, lang: str, currency: str, rng: random.Random, hard: bool) -> str:
    month = _MONTHS[lang].split()[when.month - 1]
    if hard and rng.random() < 0.3:
        if currency == "USD":
            return when.strftime("%m/%d/%y")
        return when.strftime("%d.%m.%y" if lang == "de" else "%d/%m/%y")
    if rng.random() < 0.4:
        if lang == "en":
            return f"{month[:3]} {when.day}, {when.year}"
        return f"{when.day}{'.' if lang == 'de' else ''} {month} {when.year}"
    if currency == "USD":
        return when.strftime("%m/%d/%Y")
    pattern = {"fr": "%d/%m/%Y", "en": "%d/%m/%Y", "de": "%d.%m.%Y", "nl": "%d-%m-%Y"}[lang]
    return when.strftime(pattern)


def _address(rng: random.Random, lang: str) -> str:
    street = {"fr": "rue des Lilas", "en": "High Street", "de": "Hauptstraße", "nl": "Dorpsstraat"}
    return (
        f"{rng.randrange(1, 120)} {street[lang]}"
        if lang in {"fr", "en"}
        else (f"{street[lang]} {rng.randrange(1, 120)}")
    )


def _photo(lines: list[tuple[str, str]], rng: random.Random, hard: bool) -> bytes:
    size = 21 if hard else 26
    font = ImageFont.truetype(str(_MONO), size) if _MONO.exists() else ImageFont.load_default(size)
    width, step = 620, int(size * 1.5)
    paper = Image.new("RGB", (width, 80 + step * len(lines)), (246, 243, 235))
    draw = ImageDraw.Draw(paper)
    for row, (left, right) in enumerate(lines):
        y = 40 + row * step
        draw.text((30, y), left, fill=(30, 30, 30), font=font)
        if right:
            draw.text((width - 30, y), right, fill=(30, 30, 30), font=font, anchor="ra")
    # A phone photo: a slight tilt on a darker table, soft focus, noise and JPEG.
    tilt = 4.0 if hard else 2.5
    tilted = paper.rotate(rng.uniform(-tilt, tilt), expand=True, fillcolor=(90, 85, 80))
    blurred = tilted.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    noise = Image.effect_noise(blurred.size, rng.uniform(6, 14)).convert("RGB")
    photo = Image.blend(blurred, noise, 0.06)
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=rng.randrange(60, 85))
    return buffer.getvalue()
