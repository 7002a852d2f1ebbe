"""UBL 2.1 Invoice and CreditNote as Peppol BIS 3.0, XRechnung and other EN 16931 producers
write them, with the prefixes a producer chooses (written after the specifications for
Dossier's tests and measurements; no published sample is copied)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from benchmarks.einvoice_spec import Spec

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATIONS = {
    "peppol": "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
    "xrechnung": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    "en16931": "urn:cen.eu:en16931:2017",
}
# (root, cac, cbc) prefixes; None is the default namespace.
PREFIXES = [(None, "cac", "cbc"), ("ubl", "cac", "cbc"), ("ns0", "ns1", "ns2")]


class _Writer:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    def cbc(self, parent: Any, tag: str, text: str, **attrs: str) -> Any:
        node = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        node.text = text
        return node

    def cac(self, parent: Any, path: str) -> Any:
        for tag in path.split("/"):
            parent = etree.SubElement(parent, f"{{{CAC}}}{tag}")
        return parent

    def money(self, parent: Any, tag: str, value: Any) -> None:
        self.cbc(parent, tag, f"{value:.2f}", currencyID=self.currency)

    def category(self, parent: Any, tag: str, category: str, rate: Any) -> None:
        node = self.cac(parent, tag)
        self.cbc(node, "ID", category)
        self.cbc(node, "Percent", str(rate))
        if category == "E" and tag == "TaxCategory":
            self.cbc(node, "TaxExemptionReason", "Exempt under Article 132")
        self.cbc(self.cac(node, "TaxScheme"), "ID", "VAT")


def ubl(spec: Spec, customization: str = "peppol", prefixes: int = 0) -> bytes:
    credit = spec.credit
    root_ns = CREDIT_NOTE if credit else INVOICE
    names = dict(zip(PREFIXES[prefixes], (root_ns, CAC, CBC), strict=True))
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap=names)
    w = _Writer(spec.currency)
    w.cbc(root, "CustomizationID", CUSTOMIZATIONS[customization])
    w.cbc(root, "ProfileID", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
    w.cbc(root, "ID", spec.number)
    w.cbc(root, "IssueDate", spec.issue.isoformat())
    if spec.due and not credit:
        w.cbc(root, "DueDate", spec.due.isoformat())
    w.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", spec.type_code)
    w.cbc(root, "DocumentCurrencyCode", spec.currency)
    if spec.tax_currency:
        w.cbc(root, "TaxCurrencyCode", spec.tax_currency)
    w.cbc(root, "BuyerReference", "04011000-12345-03")
    _party(w, root, "AccountingSupplierParty", spec.seller, spec.seller_country, spec.seller_vat)
    _party(w, root, "AccountingCustomerParty", spec.buyer, "FR", None)
    if spec.iban or (credit and spec.due):
        means = w.cac(root, "PaymentMeans")
        w.cbc(means, "PaymentMeansCode", "58" if spec.iban else "1")
        if credit and spec.due:
            w.cbc(means, "PaymentDueDate", spec.due.isoformat())
        if spec.iban:
            w.cbc(w.cac(means, "PayeeFinancialAccount"), "ID", spec.iban)
    for adjustment in spec.adjustments:
        node = w.cac(root, "AllowanceCharge")
        w.cbc(node, "ChargeIndicator", "true" if adjustment.charge else "false")
        w.cbc(node, "AllowanceChargeReason", adjustment.reason)
        w.money(node, "Amount", adjustment.amount)
        w.category(node, "TaxCategory", adjustment.category, adjustment.rate)
    _taxes(w, root, spec)
    _totals(w, root, spec)
    for number, item in enumerate(spec.items, start=1):
        line = w.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        w.cbc(line, "ID", str(number))
        quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
        w.cbc(line, quantity, str(item.quantity), unitCode=item.unit)
        w.money(line, "LineExtensionAmount", item.net)
        product = w.cac(line, "Item")
        w.cbc(product, "Name", item.description)
        w.category(product, "ClassifiedTaxCategory", item.category, item.rate)
        w.cbc(w.cac(line, "Price"), "PriceAmount", str(item.price), currencyID=spec.currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _party(w: _Writer, root: Any, role: str, name: str, country: str, vat: str | None) -> None:
    party = w.cac(root, f"{role}/Party")
    w.cbc(w.cac(party, "PartyName"), "Name", name.split(" ")[0])  # a trading name
    address = w.cac(party, "PostalAddress")
    w.cbc(w.cac(address, "Country"), "IdentificationCode", country)
    if vat:
        scheme = w.cac(party, "PartyTaxScheme")
        w.cbc(scheme, "CompanyID", vat)
        w.cbc(w.cac(scheme, "TaxScheme"), "ID", "VAT")
    w.cbc(w.cac(party, "PartyLegalEntity"), "RegistrationName", name)


def _taxes(w: _Writer, root: Any, spec: Spec) -> None:
    total = w.cac(root, "TaxTotal")
    w.money(total, "TaxAmount", spec.tax)
    for category, rate, basis, tax in spec.groups():
        subtotal = w.cac(total, "TaxSubtotal")
        w.money(subtotal, "TaxableAmount", basis)
        w.money(subtotal, "TaxAmount", tax)
        w.category(subtotal, "TaxCategory", category, rate)
    if spec.tax_currency:  # BT-111: the tax again in the accounting currency
        converted = w.cac(root, "TaxTotal")
        w.cbc(converted, "TaxAmount", f"{spec.tax * spec.tax_rate_to_tax_currency:.2f}",
              currencyID=spec.tax_currency)  # fmt: skip


def _totals(w: _Writer, root: Any, spec: Spec) -> None:
    totals = w.cac(root, "LegalMonetaryTotal")
    w.money(totals, "LineExtensionAmount", spec.line_total)
    w.money(totals, "TaxExclusiveAmount", spec.net)
    w.money(totals, "TaxInclusiveAmount", spec.total)
    if spec.adjustments:
        w.money(totals, "AllowanceTotalAmount", spec.allowances)
        w.money(totals, "ChargeTotalAmount", spec.charges)
    if spec.prepaid:
        w.money(totals, "PrepaidAmount", spec.prepaid)
    w.money(totals, "PayableAmount", spec.amount_due)
