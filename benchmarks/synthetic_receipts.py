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
_RATES = {"fr": [20, 10, 5.5], "en": [20], "de": [19, 7], "nl": [21, 9]}


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    truth: dict[str, Any]


def make_cases(count: int = 24, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    languages = ["fr", "en", "de", "nl"]
    return [_case(rng, languages[index % 4], index) for index in range(count)]


def _case(rng: random.Random, lang: str, index: int) -> Case:
    shop = rng.choice(_SHOPS[lang])
    currency = {"en": rng.choice(["GBP", "USD"])}.get(lang, "EUR")
    when = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
    rate = Decimal(str(rng.choice(_RATES[lang] if currency != "USD" else [8.25])))
    items = [(rng.choice(_ITEMS), Decimal(rng.randrange(80, 4000)) / 100) for _ in range(4)]
    total = sum((price for _, price in items), Decimal(0))
    subtotal = (total / (1 + rate / 100)).quantize(Decimal("0.01"))
    tax = total - subtotal
    number = f"{rng.randrange(1000, 99999)}"
    words = _WORDS[lang]

    def amount(value: Decimal) -> str:
        return _format(value, lang, currency, rng)

    lines: list[tuple[str, str]] = [(shop, ""), (_address(rng, lang), "")]
    if rng.random() < 0.4:
        other = when - dt.timedelta(days=rng.randrange(1, 20))
        lines.append((f"{words['other']} {_date(other, lang, currency, rng)}", ""))
    lines += [
        (f"{words['no']} {number}", ""),
        (f"{words['date']} {_date(when, lang, currency, rng)}", ""),
    ]
    lines += [(name, amount(price)) for name, price in items]
    lines += [
        (words["sub"], amount(subtotal)),
        (words["tax"].format(r=_rate(rate, lang)), amount(tax)),
        (words["total"], amount(total)),
    ]
    handed = (total / 10 + 1).quantize(Decimal("1")) * 10
    lines += [(words["paid"], amount(handed)), (words["change"], amount(handed - total))]
    truth = {
        "issuer": shop,
        "date": when.isoformat(),
        "amount": float(total),
        "amount_tax": float(tax),
        "currency": currency,
        "invoice_number": number,
    }
    return Case(f"synthetic-{index:02d}-{lang}.jpg", _photo(lines, rng), truth)


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


def _date(when: dt.date, lang: str, currency: str, rng: random.Random) -> str:
    month = _MONTHS[lang].split()[when.month - 1]
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


def _photo(lines: list[tuple[str, str]], rng: random.Random) -> bytes:
    size = 26
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
    tilted = paper.rotate(rng.uniform(-2.5, 2.5), expand=True, fillcolor=(90, 85, 80))
    blurred = tilted.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    noise = Image.effect_noise(blurred.size, rng.uniform(6, 14)).convert("RGB")
    photo = Image.blend(blurred, noise, 0.06)
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=rng.randrange(60, 85))
    return buffer.getvalue()
