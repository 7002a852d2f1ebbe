"""A4 invoices as scanners deliver them: a page image inside a PDF, no text layer.

Laid out like small-business invoices in France, the UK/US, Germany and the Netherlands:
supplier block, customer block under its own label, a header table of number / date /
due date with the values under their headers, an item table, a totals block and a legal
footer. Written after the rules, to measure them on layouts they were not tuned on.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from synthetic_receipts import Case

_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_TEXT = {
    "fr": {
        "title": "FACTURE",
        "buyer": "Facturé à",
        "no": "N° facture",
        "date": "Date",
        "due": "Échéance",
        "desc": "Désignation",
        "qty": "Qté",
        "price": "Prix unitaire HT",
        "amount": "Montant HT",
        "sub": "Total HT",
        "tax": "TVA {r} %",
        "total": "Total TTC",
        "legal": "SAS au capital de 10 000 € \u2013 RCS Lyon 812 345 678 \u2013 TVA FR12812345678",
        "fmt": "%d/%m/%Y",
    },
    "en": {
        "title": "INVOICE",
        "buyer": "Bill to",
        "no": "Invoice No.",
        "date": "Invoice date",
        "due": "Due date",
        "desc": "Description",
        "qty": "Qty",
        "price": "Unit price",
        "amount": "Amount",
        "sub": "Subtotal",
        "tax": "VAT {r}%",
        "total": "Total due",
        "legal": "Registered in England and Wales No. 08123456 \u2013 VAT GB 123 4567 89",
        "fmt": "%d/%m/%Y",
    },
    "de": {
        "title": "RECHNUNG",
        "buyer": "Rechnungsadresse",
        "no": "Rechnungs-Nr.",
        "date": "Rechnungsdatum",
        "due": "Fällig am",
        "desc": "Bezeichnung",
        "qty": "Menge",
        "price": "Einzelpreis",
        "amount": "Betrag",
        "sub": "Nettobetrag",
        "tax": "USt. {r} %",
        "total": "Rechnungsbetrag",
        "legal": "Amtsgericht München HRB 123456 \u2013 USt-IdNr. "
        "DE123456789 \u2013 Geschäftsführer: A. Huber",
        "fmt": "%d.%m.%Y",
    },
    "nl": {
        "title": "FACTUUR",
        "buyer": "Factuuradres",
        "no": "Factuurnummer",
        "date": "Factuurdatum",
        "due": "Vervaldatum",
        "desc": "Omschrijving",
        "qty": "Aantal",
        "price": "Prijs",
        "amount": "Bedrag",
        "sub": "Subtotaal",
        "tax": "BTW {r}%",
        "total": "Totaal te betalen",
        "legal": "KvK 12345678 \u2013 BTW NL001234567B01 \u2013 IBAN NL91 ABNA 0417 1643 00",
        "fmt": "%d-%m-%Y",
    },
}
_SUPPLIERS = {
    "fr": ["Atelier Moreau SAS", "Garage des Alpes", "Imprimerie Blanc"],
    "en": ["Fenwick & Hale Ltd", "Brightside Design", "Oakridge Supplies Inc."],
    "de": ["Elektro Maier GmbH", "Druckerei Vogt", "Weber & Söhne KG"],
    "nl": ["Schildersbedrijf Mulder", "Van Dijk Installatie B.V.", "Drukkerij Smit"],
}
_THANKS = {
    "fr": "Merci d'avoir choisi {brand} !",
    "en": "Thank you for shopping with {brand}.",
    "de": "Vielen Dank für Ihren Einkauf bei {brand}.",
    "nl": "Bedankt voor uw aankoop bij {brand}.",
}
_CUSTOMERS = ["Cabinet Durand", "Northwind Traders", "Praxis Dr. Keller", "Bureau Jansen"]
_RATE = {"fr": Decimal(20), "en": Decimal(20), "de": Decimal(19), "nl": Decimal(21)}


# Credit notes: their title and number label; amounts printed negative on every other.
_CREDIT = {
    "fr": ("AVOIR", "Avoir n°"),
    "en": ("CREDIT NOTE", "Credit note no."),
    "de": ("GUTSCHRIFT", "Gutschrift-Nr."),
    "nl": ("CREDITNOTA", "Creditnotanummer"),
}
# Brands selling through a company of another name: the brand heads the page, the
# legal entity follows a 'sold by' line and the footer gives the brand's web address.
_BRANDS = ["Lumora", "Kestrel", "Vantio", "BRIXA", "Olvena", "Tamsin"]
_SELLERS = {
    "fr": ("Vendu par", "Distribution Rhône Commerce SAS"),
    "en": ("Sold by", "Meridian Retail Services Ltd"),
    "de": ("Verkauf durch", "Handelskontor Nord GmbH"),
    "nl": ("Verkocht door", "Lage Landen Handel B.V."),
}


def make_invoices(count: int, seed: int = 3, *, variant: str = "invoice") -> list[Case]:
    """`variant`: "invoice", "credit" (credit notes) or "brand" (a brand's invoice
    issued by a company of another name)."""
    rng = random.Random(seed)
    langs = ["fr", "en", "de", "nl"]
    return [_invoice(rng, langs[index % 4], index, variant) for index in range(count)]


@dataclass(frozen=True)
class _Invoice:
    lang: str
    supplier: str
    usd: bool
    issued: dt.date
    due: dt.date
    number: str
    rate: Decimal
    items: list[tuple[int, Decimal]]  # quantity, unit price before tax
    variant: str = "invoice"
    brand: str = ""

    @property
    def subtotal(self) -> Decimal:
        return sum((Decimal(q) * p for q, p in self.items), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return (self.subtotal * self.rate / 100).quantize(Decimal("0.01"))

    @property
    def sign(self) -> Decimal:
        return Decimal(-1) if self.variant == "credit" else Decimal(1)

    def money(self, value: Decimal) -> str:
        return _money(value, self.lang, self.usd)


def _invoice(rng: random.Random, lang: str, index: int, variant: str) -> Case:
    supplier = rng.choice(_SUPPLIERS[lang])
    usd = lang == "en" and rng.random() < 0.5
    issued = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
    due = issued + dt.timedelta(days=rng.choice([14, 30, 45]))
    number = f"{rng.choice(['', 'F', 'INV-', 'RE'])}{issued.year}-{rng.randrange(1, 999):03d}"
    rate = Decimal("8.25") if usd else _RATE[lang]
    items = [(rng.randrange(1, 6), Decimal(rng.randrange(1500, 90000)) / 100) for _ in range(3)]
    brand = rng.choice(_BRANDS) if variant == "brand" else ""
    invoice = _Invoice(lang, supplier, usd, issued, due, number, rate, items, variant, brand)
    page = Image.new("L", (1240, 1754), 255)
    _draw_header(ImageDraw.Draw(page), rng, invoice)
    _draw_body(ImageDraw.Draw(page), invoice, negative=variant == "credit" and index % 2 == 1)
    truth = {
        "issuer": brand or supplier,
        "date": issued.isoformat(),
        "amount": float(invoice.sign * (invoice.subtotal + invoice.tax)),
        "amount_tax": float(invoice.sign * invoice.tax),
        "currency": "USD" if usd else ("GBP" if lang == "en" else "EUR"),
        "invoice_number": number,
    }
    prefix = {"invoice": "invoice", "credit": "credit-note", "brand": "brand-invoice"}[variant]
    return Case(f"{prefix}-{index:02d}-{lang}.pdf", _scan(page, rng), truth)


def _draw_header(draw: ImageDraw.ImageDraw, rng: random.Random, invoice: _Invoice) -> None:
    """Supplier, title, customer block, and number / date / due date under headers."""
    text, lang = _TEXT[invoice.lang], invoice.lang
    font, bold, big = (_font(_SANS, 22), _font(_BOLD, 22), _font(_BOLD, 40))
    title, number_label = text["title"], text["no"]
    if invoice.variant == "credit":
        title, number_label = _CREDIT[lang]
    if invoice.brand:
        seller_label, seller = _SELLERS[lang]
        draw.text((90, 80), invoice.brand, font=_font(_BOLD, 56))
        draw.text((90, 160), f"{seller_label}: {seller}", font=font)
        draw.text((90, 195), f"{rng.randrange(1, 90)} {_street(lang)}", font=font)
    else:
        draw.text((90, 90), invoice.supplier, font=big)
        draw.text((90, 150), f"{rng.randrange(1, 90)} {_street(lang)}", font=font)
    draw.text((1150, 90), title, font=big, anchor="ra")
    draw.text((720, 260), text["buyer"], font=bold)
    draw.text((720, 295), rng.choice(_CUSTOMERS), font=font)
    draw.text((720, 330), f"{rng.randrange(1, 90)} {_street(lang)}", font=font)
    fmt = "%m/%d/%Y" if invoice.usd else text["fmt"]
    for column, (header, value) in enumerate(
        [
            (number_label, invoice.number),
            (text["date"], invoice.issued.strftime(fmt)),
            (text["due"], invoice.due.strftime(fmt)),
        ]
    ):
        draw.text((90 + column * 330, 470), header, font=bold)
        draw.text((90 + column * 330, 505), value, font=font)


def _draw_body(draw: ImageDraw.ImageDraw, invoice: _Invoice, *, negative: bool) -> None:
    """Item table, totals block and legal footer; `negative`: amounts printed with a
    minus sign, as some credit notes are."""
    text = _TEXT[invoice.lang]

    def money(value: Decimal) -> str:
        return invoice.money(-value if negative else value)

    font, bold = _font(_SANS, 22), _font(_BOLD, 22)
    for column, header in zip(
        (90, 620, 760, 1150), ("desc", "qty", "price", "amount"), strict=True
    ):
        draw.text((column, 620), text[header], font=bold, anchor="ra" if column == 1150 else "la")
    for row, (qty, price) in enumerate(invoice.items):
        y = 670 + row * 45
        draw.text((90, y), f"{text['desc']} {row + 1}", font=font)
        draw.text((620, y), str(qty), font=font)
        draw.text((760, y), money(price), font=font)
        draw.text((1150, y), money(qty * price), font=font, anchor="ra")
    totals = [
        (text["sub"], invoice.subtotal),
        (text["tax"].format(r=_rate(invoice.rate, invoice.lang)), invoice.tax),
        (text["total"], invoice.subtotal + invoice.tax),
    ]
    for row, (label, value) in enumerate(totals):
        y = 900 + row * 45
        draw.text((760, y), label, font=bold if row == 2 else font)
        draw.text((1150, y), money(value), font=bold if row == 2 else font, anchor="ra")
    small = _font(_SANS, 16)
    if invoice.brand:
        site = invoice.brand.lower()
        draw.text((90, 1100), _THANKS[invoice.lang].format(brand=invoice.brand), font=font)
        draw.text((90, 1615), f"www.{site}.com \u2013 service@{site}.com", font=small)
    legal = f"{_SELLERS[invoice.lang][1] if invoice.brand else invoice.supplier} \u2013 "
    draw.text((90, 1650), legal + text["legal"], font=small)


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)


def _money(value: Decimal, lang: str, usd: bool) -> str:
    sign, value = ("-" if value < 0 else ""), abs(value)
    if lang == "en":
        return f"{sign}{'$' if usd else '£'}{value:,.2f}"
    grouped = sign + f"{value:,.2f}".replace(",", " ").replace(".", ",")
    return f"{grouped} €" if lang != "nl" else f"€ {grouped}"


def _rate(rate: Decimal, lang: str) -> str:
    text = f"{rate.normalize():f}"
    return text if lang == "en" else text.replace(".", ",")


def _street(lang: str) -> str:
    return {"fr": "rue Victor Hugo", "en": "Mill Lane", "de": "Bahnhofstraße",
            "nl": "Kerkstraat"}[lang]  # fmt: skip


def _scan(page: Image.Image, rng: random.Random) -> bytes:
    scanned = page.rotate(rng.uniform(-1.0, 1.0), fillcolor=255)
    buffer = io.BytesIO()
    scanned.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()
