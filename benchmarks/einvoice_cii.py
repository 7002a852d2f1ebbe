"""CII D16B as Factur-X / ZUGFeRD 2.x / XRechnung producers write it, every profile from
MINIMUM to EXTENDED, with the namespace prefixes a producer chooses (written for Dossier's
tests and measurements, after the specifications; no published sample is copied)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from benchmarks.einvoice_spec import Spec

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"

GUIDELINES = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basicwl": "urn:factur-x.eu:1p0:basicwl",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": "urn:cen.eu:en16931:2017",
    "extended": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
    "xrechnung": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
}
WITH_LINES = {"basic", "en16931", "extended", "xrechnung"}
# (rsm, ram, udt, qdt) prefixes; None is the default namespace.
PREFIXES = [("rsm", "ram", "udt", "qdt"), (None, "ram", "udt", "qdt"), ("ns0", "ns1", "ns2", "ns3")]


class Writer:
    """SubElement with a namespace and text, amounts written with `decimals` places."""

    def __init__(self, decimals: int = 2) -> None:
        self.decimals = decimals

    def add(self, parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
        node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        node.text = text
        return node

    def ram(self, parent: Any, path: str, text: str | None = None, **attrs: str) -> Any:
        """A chain of ram: elements ('A/B/C'), the text and attributes on the last."""
        *heads, last = path.split("/")
        for head in heads:
            parent = self.add(parent, RAM, head)
        return self.add(parent, RAM, last, text, **attrs)

    def amount(self, value: Decimal, places: int | None = None) -> str:
        return f"{value:.{self.decimals if places is None else places}f}"

    def date(self, parent: Any, path: str, value: Any) -> None:
        holder = self.ram(parent, path)
        self.add(holder, UDT, "DateTimeString", value.strftime("%Y%m%d"), format="102")


def cii(spec: Spec, profile: str = "en16931", prefixes: int = 0, decimals: int = 2) -> bytes:
    names = dict(zip(PREFIXES[prefixes], (RSM, RAM, UDT, QDT), strict=True))
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=names)
    w = Writer(decimals)
    context = w.add(root, RSM, "ExchangedDocumentContext")
    w.ram(context, "GuidelineSpecifiedDocumentContextParameter/ID", GUIDELINES[profile])
    document = w.add(root, RSM, "ExchangedDocument")
    w.ram(document, "ID", spec.number)
    w.ram(document, "TypeCode", spec.type_code)
    w.date(document, "IssueDateTime", spec.issue)
    transaction = w.add(root, RSM, "SupplyChainTradeTransaction")
    if profile in WITH_LINES:
        for number, item in enumerate(spec.items, start=1):
            _line(w, transaction, number, item, spec)
    _agreement(w, transaction, spec, profile)
    w.ram(transaction, "ApplicableHeaderTradeDelivery")
    _settlement(w, transaction, spec, profile)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _line(w: Writer, transaction: Any, number: int, item: Any, spec: Spec) -> None:
    line = w.ram(transaction, "IncludedSupplyChainTradeLineItem")
    w.ram(line, "AssociatedDocumentLineDocument/LineID", str(number))
    w.ram(line, "SpecifiedTradeProduct/Name", item.description)
    w.ram(
        line, "SpecifiedLineTradeAgreement/NetPriceProductTradePrice/ChargeAmount", str(item.price)
    )
    w.ram(line, "SpecifiedLineTradeDelivery/BilledQuantity", str(item.quantity), unitCode=item.unit)
    settlement = w.ram(line, "SpecifiedLineTradeSettlement")
    _tax(w, w.ram(settlement, "ApplicableTradeTax"), item.category, item.rate)
    w.ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
          w.amount(item.net))  # fmt: skip


def _tax(w: Writer, tax: Any, category: str, rate: Decimal) -> None:
    w.ram(tax, "TypeCode", "VAT")
    w.ram(tax, "CategoryCode", category)
    w.ram(tax, "RateApplicablePercent", str(rate))


def _agreement(w: Writer, transaction: Any, spec: Spec, profile: str) -> None:
    agreement = w.ram(transaction, "ApplicableHeaderTradeAgreement")
    seller = w.ram(agreement, "SellerTradeParty")
    w.ram(seller, "Name", spec.seller)
    w.ram(seller, "PostalTradeAddress/CountryID", spec.seller_country)
    w.ram(seller, "SpecifiedTaxRegistration/ID", spec.seller_vat, schemeID="VA")
    buyer = w.ram(agreement, "BuyerTradeParty")
    w.ram(buyer, "Name", spec.buyer)
    if profile != "minimum":
        w.ram(buyer, "PostalTradeAddress/CountryID", "FR")


def _settlement(w: Writer, transaction: Any, spec: Spec, profile: str) -> None:
    settlement = w.ram(transaction, "ApplicableHeaderTradeSettlement")
    if spec.tax_currency and profile != "minimum":
        w.ram(settlement, "TaxCurrencyCode", spec.tax_currency)
    w.ram(settlement, "InvoiceCurrencyCode", spec.currency)
    if profile != "minimum":
        if spec.iban:
            means = w.ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
            w.ram(means, "TypeCode", "58")
            w.ram(means, "PayeePartyCreditorFinancialAccount/IBANID", spec.iban)
        for category, rate, basis, tax in spec.groups():
            node = w.ram(settlement, "ApplicableTradeTax")
            w.ram(node, "CalculatedAmount", w.amount(tax))
            w.ram(node, "TypeCode", "VAT")
            if category == "E":
                w.ram(node, "ExemptionReason", "Exonération art. 261-4-4° CGI")
            w.ram(node, "BasisAmount", w.amount(basis))
            w.ram(node, "CategoryCode", category)
            w.ram(node, "RateApplicablePercent", str(rate))
        for adjustment in spec.adjustments:
            node = w.ram(settlement, "SpecifiedTradeAllowanceCharge")
            indicator = w.ram(node, "ChargeIndicator")
            w.add(indicator, UDT, "Indicator", "true" if adjustment.charge else "false")
            w.ram(node, "ActualAmount", w.amount(adjustment.amount))
            w.ram(node, "Reason", adjustment.reason)
            _tax(w, w.ram(node, "CategoryTradeTax"), adjustment.category, adjustment.rate)
        if spec.due:
            w.date(w.ram(settlement, "SpecifiedTradePaymentTerms"), "DueDateDateTime", spec.due)
    _summation(w, settlement, spec, profile)


def _summation(w: Writer, settlement: Any, spec: Spec, profile: str) -> None:
    summation = w.ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    if profile != "minimum":
        w.ram(summation, "LineTotalAmount", w.amount(spec.line_total))
        if spec.adjustments:
            w.ram(summation, "ChargeTotalAmount", w.amount(spec.charges))
            w.ram(summation, "AllowanceTotalAmount", w.amount(spec.allowances))
    w.ram(summation, "TaxBasisTotalAmount", w.amount(spec.net))
    w.ram(summation, "TaxTotalAmount", w.amount(spec.tax), currencyID=spec.currency)
    if spec.tax_currency and profile != "minimum":
        converted = spec.tax * spec.tax_rate_to_tax_currency
        w.ram(summation, "TaxTotalAmount", w.amount(converted), currencyID=spec.tax_currency)
    w.ram(summation, "GrandTotalAmount", w.amount(spec.total))
    if spec.prepaid and profile != "minimum":
        w.ram(summation, "TotalPrepaidAmount", w.amount(spec.prepaid))
    w.ram(summation, "DuePayableAmount", w.amount(spec.amount_due))
