"""E-invoice test sets, generated: PDFs with their XML attached (Factur-X written by the
factur-x library, ZUGFeRD 1.0 and XRechnung attached with pypdf) and standalone CII and
UBL files, from producers that differ in profile, prefixes, decimals, currencies, credit
notes, several VAT rates, allowances and charges, and prepayments."""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Callable
from decimal import Decimal

import facturx
from pypdf import PdfReader, PdfWriter

from app.demo.samples import text_pdf
from benchmarks.einvoice_cii import PREFIXES as CII_PREFIXES
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_spec import Spec, random_spec
from benchmarks.einvoice_ubl import CUSTOMIZATIONS, ubl
from benchmarks.einvoice_ubl import PREFIXES as UBL_PREFIXES
from benchmarks.einvoice_zugferd1 import zugferd1
from benchmarks.synthetic_receipts import Case

logging.getLogger("factur-x").setLevel(logging.WARNING)
FACTURX_PROFILES = ["minimum", "basicwl", "basic", "en16931", "extended"]


def printed_page(spec: Spec) -> bytes:
    """The invoice as its PDF shows it: what a person reads, the page reader too."""
    sign = "-" if spec.credit else ""
    lines = [spec.seller, f"TVA {spec.seller_vat}", "", f"Bill to: {spec.buyer}"]
    lines += [f"{'Credit note' if spec.credit else 'Invoice'} No. {spec.number}"]
    lines += [f"Invoice date: {spec.issue:%d/%m/%Y}", ""]
    lines += [
        f"{item.description}  {item.quantity} x {item.price}  {item.net}" for item in spec.items
    ]
    lines += ["", f"Total excl. VAT: {sign}{spec.net} {spec.currency}"]
    lines += [f"VAT: {sign}{spec.tax} {spec.currency}"]
    lines += [f"Total: {sign}{spec.total} {spec.currency}"]
    return text_pdf(lines)


def facturx_pdf(page: bytes, xml: bytes, profile: str) -> bytes:
    """A Factur-X PDF/A-3 as the factur-x library writes it (checking the XML against the
    profile's XSD on the way)."""
    return facturx.generate_from_binary(page, xml, flavor="factur-x", level=profile)


def attached_pdf(page: bytes, xml: bytes, name: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page)))
    writer.add_attachment(name, xml)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_embedded(count: int, seed: int = 31) -> list[Case]:
    """PDFs carrying their XML: Factur-X at every profile, XRechnung CII, ZUGFeRD 1.0."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        spec = _spec(rng, index)
        page = printed_page(spec)
        producer = index % 7
        if producer < 5:
            profile = FACTURX_PROFILES[producer]
            xml = cii(spec, profile, prefixes=index % len(CII_PREFIXES), decimals=2 + index % 3)
            data, kind = facturx_pdf(page, xml, profile), f"factur-x-{profile}"
        elif producer == 5:
            data, kind = attached_pdf(page, cii(spec, "xrechnung"), "xrechnung.xml"), "xrechnung"
        else:
            data, kind = attached_pdf(page, zugferd1(spec), "ZUGFeRD-invoice.xml"), "zugferd-1"
        cases.append(Case(f"einvoice-{index:03d}-{kind}.pdf", data, spec.truth()))
    return cases


def make_standalone(count: int, seed: int = 37) -> list[Case]:
    """Bare XML files: CII (each profile and prefix choice), ZUGFeRD 1.0, UBL."""
    rng = random.Random(seed)
    writers: list[tuple[str, Callable[[Spec, int], bytes]]] = [
        *[(f"cii-{p}", lambda s, i, p=p: cii(s, p, i % len(CII_PREFIXES), 2 + i % 3))
          for p in [*FACTURX_PROFILES, "xrechnung"]],
        ("zugferd-1", lambda s, i: zugferd1(s)),
        *[(f"ubl-{c}", lambda s, i, c=c: ubl(s, c, i % len(UBL_PREFIXES)))
          for c in CUSTOMIZATIONS],
    ]  # fmt: skip
    cases = []
    for index in range(count):
        spec = _spec(rng, index)
        kind, write = writers[index % len(writers)]
        data = write(spec, index // len(writers))
        if index % 5 == 4:  # a byte-order mark and a comment before the root
            data = b"\xef\xbb\xbf" + data.replace(b"?>\n", b"?>\n<!-- exported -->\n", 1)
        cases.append(Case(f"einvoice-{index:03d}-{kind}.xml", data, spec.truth()))
    return cases


def _spec(rng: random.Random, index: int) -> Spec:
    spec = random_spec(rng, index, credit=index % 6 == 5)
    if index % 8 == 3 and spec.currency != "EUR":  # the tax again in euros (BT-111)
        spec.tax_currency = "EUR"
        spec.tax_rate_to_tax_currency = Decimal(rng.choice(["0.86", "1.17"]))
    return spec
