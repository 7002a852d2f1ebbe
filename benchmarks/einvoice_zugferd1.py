"""ZUGFeRD 1.0 (2014): CII in its older CrossIndustryDocument form, the elements named
differently and the lines after the settlement, as BASIC / COMFORT producers wrote it
(written after the specification for Dossier's tests; no published sample is copied)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from benchmarks.einvoice_spec import Spec

RSM = "urn:ferd:CrossIndustryDocument:invoice:1p0"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15"
COMFORT = "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"


def _add(parent: Any, path: str, text: str | None = None, ns: str = RAM, **attrs: str) -> Any:
    *heads, last = path.split("/")
    for head in heads:
        parent = etree.SubElement(parent, f"{{{ns}}}{head}")
    node = etree.SubElement(parent, f"{{{ns}}}{last}", attrs)
    node.text = text
    return node


def _date(parent: Any, path: str, value: Any) -> None:
    _add(_add(parent, path), "DateTimeString", value.strftime("%Y%m%d"), UDT, format="102")


def zugferd1(spec: Spec) -> bytes:
    root = etree.Element(
        f"{{{RSM}}}CrossIndustryDocument", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT}
    )
    context = _add(root, "SpecifiedExchangedDocumentContext", ns=RSM)
    _add(context, "GuidelineSpecifiedDocumentContextParameter/ID", COMFORT)
    header = _add(root, "HeaderExchangedDocument", ns=RSM)
    _add(header, "ID", spec.number)
    _add(header, "Name", "GUTSCHRIFT" if spec.credit else "RECHNUNG")
    _add(header, "TypeCode", spec.type_code)
    _date(header, "IssueDateTime", spec.issue)
    transaction = _add(root, "SpecifiedSupplyChainTradeTransaction", ns=RSM)
    agreement = _add(transaction, "ApplicableSupplyChainTradeAgreement")
    seller = _add(agreement, "SellerTradeParty")
    _add(seller, "Name", spec.seller)
    _add(seller, "PostalTradeAddress/CountryID", spec.seller_country)
    _add(seller, "SpecifiedTaxRegistration/ID", spec.seller_vat, schemeID="VA")
    _add(agreement, "BuyerTradeParty/Name", spec.buyer)
    _add(transaction, "ApplicableSupplyChainTradeDelivery")
    settlement = _add(transaction, "ApplicableSupplyChainTradeSettlement")
    _add(settlement, "InvoiceCurrencyCode", spec.currency)
    if spec.iban:
        means = _add(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _add(means, "TypeCode", "58")
        _add(means, "PayeePartyCreditorFinancialAccount/IBANID", spec.iban)
    money = {"currencyID": spec.currency}
    for category, rate, basis, tax in spec.groups():
        node = _add(settlement, "ApplicableTradeTax")
        _add(node, "CalculatedAmount", f"{tax:.2f}", **money)
        _add(node, "TypeCode", "VAT")
        _add(node, "BasisAmount", f"{basis:.2f}", **money)
        _add(node, "CategoryCode", category)
        _add(node, "ApplicablePercent", f"{rate:.2f}")
    if spec.due:
        _date(_add(settlement, "SpecifiedTradePaymentTerms"), "DueDateDateTime", spec.due)
    summation = _add(settlement, "SpecifiedTradeSettlementMonetarySummation")
    for tag, value in [
        ("LineTotalAmount", spec.line_total),
        ("ChargeTotalAmount", spec.charges),
        ("AllowanceTotalAmount", spec.allowances),
        ("TaxBasisTotalAmount", spec.net),
        ("TaxTotalAmount", spec.tax),
        ("GrandTotalAmount", spec.total),
        ("TotalPrepaidAmount", spec.prepaid),
        ("DuePayableAmount", spec.amount_due),
    ]:
        _add(summation, tag, f"{value:.2f}", **money)
    for number, item in enumerate(spec.items, start=1):
        line = _add(transaction, "IncludedSupplyChainTradeLineItem")
        _add(line, "AssociatedDocumentLineDocument/LineID", str(number))
        price = _add(line, "SpecifiedSupplyChainTradeAgreement/NetPriceProductTradePrice")
        _add(price, "ChargeAmount", f"{item.price:.4f}", **money)
        _add(line, "SpecifiedSupplyChainTradeDelivery/BilledQuantity", f"{item.quantity:.4f}",
             unitCode=item.unit)  # fmt: skip
        line_settlement = _add(line, "SpecifiedSupplyChainTradeSettlement")
        tax = _add(line_settlement, "ApplicableTradeTax")
        _add(tax, "TypeCode", "VAT")
        _add(tax, "CategoryCode", item.category)
        _add(tax, "ApplicablePercent", f"{item.rate:.2f}")
        _add(line_settlement, "SpecifiedTradeSettlementMonetarySummation/LineTotalAmount",
             f"{item.net:.2f}", **money)  # fmt: skip
        _add(line, "SpecifiedTradeProduct/Name", item.description)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
