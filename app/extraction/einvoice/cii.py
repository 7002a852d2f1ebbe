"""UN/CEFACT Cross Industry Invoice: Factur-X and ZUGFeRD 2.x (CII D16B, every profile from
MINIMUM to EXTENDED), XRechnung's CII syntax, and ZUGFeRD 1.0's CrossIndustryDocument,
whose elements carry other names for the same things."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.extraction.einvoice.model import EInvoice, Line, VatRow
from app.extraction.einvoice.values import Namespaces, Reader

D16B_ROOT = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD_1_ROOT = "urn:ferd:CrossIndustryDocument:invoice:1p0"


@dataclass(frozen=True, slots=True)
class Dialect:
    """The element names of one CII version, as paths under the root."""

    syntax: str
    ram: str  # the default namespaces of the reusable components and data types
    udt: str
    context: str
    document: str
    transaction: str
    agreement: str
    settlement: str
    summation: str
    rate: str
    line_agreement: str
    line_delivery: str
    line_settlement: str
    line_summation: str


D16B = Dialect(
    syntax="cii",
    ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    context="rsm:ExchangedDocumentContext",
    document="rsm:ExchangedDocument",
    transaction="rsm:SupplyChainTradeTransaction",
    agreement="ram:ApplicableHeaderTradeAgreement",
    settlement="ram:ApplicableHeaderTradeSettlement",
    summation="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    rate="ram:RateApplicablePercent",
    line_agreement="ram:SpecifiedLineTradeAgreement",
    line_delivery="ram:SpecifiedLineTradeDelivery",
    line_settlement="ram:SpecifiedLineTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementLineMonetarySummation",
)
ZUGFERD_1 = Dialect(
    syntax="zugferd-1",
    ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    context="rsm:SpecifiedExchangedDocumentContext",
    document="rsm:HeaderExchangedDocument",
    transaction="rsm:SpecifiedSupplyChainTradeTransaction",
    agreement="ram:ApplicableSupplyChainTradeAgreement",
    settlement="ram:ApplicableSupplyChainTradeSettlement",
    summation="ram:SpecifiedTradeSettlementMonetarySummation",
    rate="ram:ApplicablePercent",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_settlement="ram:SpecifiedSupplyChainTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementMonetarySummation",
)


def read_cii(root: etree._Element) -> EInvoice:
    dialect = ZUGFERD_1 if etree.QName(root).namespace == ZUGFERD_1_ROOT else D16B
    read = Reader(_namespaces(root, dialect))
    document = read.node(root, dialect.document)
    transaction = read.node(root, dialect.transaction)
    agreement = _under(read, transaction, dialect.agreement)
    settlement = _under(read, transaction, dialect.settlement)
    invoice = EInvoice(
        syntax=dialect.syntax,
        profile=read.text(
            root, f"{dialect.context}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        number=read.text(document, "ram:ID"),
        type_code=read.text(document, "ram:TypeCode"),
        issue_date=read.date(document, "ram:IssueDateTime/udt:DateTimeString"),
        currency=read.text(settlement, "ram:InvoiceCurrencyCode"),
        seller=read.text(agreement, "ram:SellerTradeParty/ram:Name"),
        seller_vat_id=read.text(
            agreement, "ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"
        ),
        buyer=read.text(agreement, "ram:BuyerTradeParty/ram:Name"),
        due_date=read.date(
            settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
        ),
        iban=read.text(
            settlement,
            "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
        ),
    )
    _read_totals(read, invoice, _under(read, settlement, dialect.summation))
    invoice.vat_breakdown = [
        _vat_row(read, node, dialect) for node in _all(read, settlement, "ram:ApplicableTradeTax")
    ]
    invoice.lines = [
        _line(read, node, dialect)
        for node in _all(read, transaction, "ram:IncludedSupplyChainTradeLineItem")
    ]
    invoice.warnings += read.warnings
    return invoice


def _namespaces(root: etree._Element, dialect: Dialect) -> Namespaces:
    """The document's own namespace names where they differ from the dialect's (some
    ZUGFeRD 1.0 producers use other versions of the component schemas)."""
    declared = [uri for uri in root.nsmap.values() if uri]
    ram = next((u for u in declared if "ReusableAggregateBusinessInformationEntity" in u), None)
    udt = next((u for u in declared if "UnqualifiedDataType" in u), None)
    return {
        "rsm": etree.QName(root).namespace or "",
        "ram": ram or dialect.ram,
        "udt": udt or dialect.udt,
    }


def _under(read: Reader, node: etree._Element | None, path: str) -> etree._Element | None:
    return None if node is None else read.node(node, path)


def _all(read: Reader, node: etree._Element | None, path: str) -> list[etree._Element]:
    return [] if node is None else read.nodes(node, path)


def _read_totals(read: Reader, invoice: EInvoice, summation: etree._Element | None) -> None:
    invoice.net = read.decimal(summation, "ram:TaxBasisTotalAmount")
    invoice.tax = read.decimal(_tax_total(read, summation, invoice.currency), ".")
    invoice.total = read.decimal(summation, "ram:GrandTotalAmount")
    invoice.prepaid = read.decimal(summation, "ram:TotalPrepaidAmount")
    invoice.amount_due = read.decimal(summation, "ram:DuePayableAmount")


def _tax_total(
    read: Reader, summation: etree._Element | None, currency: str | None
) -> etree._Element | None:
    """BT-110, the tax total in the invoice currency: BT-111 repeats it in the accounting
    currency in a second element, told apart by its currencyID."""
    amounts = _all(read, summation, "ram:TaxTotalAmount")
    same = [node for node in amounts if node.get("currencyID") in (None, currency)]
    chosen = same or amounts
    return chosen[0] if chosen else None


def _vat_row(read: Reader, node: etree._Element, dialect: Dialect) -> VatRow:
    return VatRow(
        category=read.text(node, "ram:CategoryCode"),
        rate=read.decimal(node, dialect.rate),
        basis=read.decimal(node, "ram:BasisAmount"),
        tax=read.decimal(node, "ram:CalculatedAmount"),
        exemption_reason=read.text(node, "ram:ExemptionReason"),
    )


def _line(read: Reader, node: etree._Element, dialect: Dialect) -> Line:
    delivery = read.node(node, dialect.line_delivery)
    settlement = read.node(node, dialect.line_settlement)
    tax = _under(read, settlement, "ram:ApplicableTradeTax")
    return Line(
        number=read.text(node, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        description=read.text(node, "ram:SpecifiedTradeProduct/ram:Name"),
        quantity=read.decimal(delivery, "ram:BilledQuantity"),
        unit=read.attribute(delivery, "ram:BilledQuantity", "unitCode"),
        unit_price=read.decimal(
            node, f"{dialect.line_agreement}/ram:NetPriceProductTradePrice/ram:ChargeAmount"
        ),
        net_amount=read.decimal(settlement, f"{dialect.line_summation}/ram:LineTotalAmount"),
        vat_category=read.text(tax, "ram:CategoryCode"),
        vat_rate=read.decimal(tax, dialect.rate),
    )
