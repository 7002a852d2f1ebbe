"""OASIS UBL 2.1 Invoice and CreditNote: Peppol BIS Billing 3.0, XRechnung's UBL syntax and
any other EN 16931 customisation."""

from __future__ import annotations

from lxml import etree

from app.extraction.einvoice.model import EInvoice, Line, VatRow
from app.extraction.einvoice.values import Reader

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_SELLER = "cac:AccountingSupplierParty/cac:Party"
_BUYER = "cac:AccountingCustomerParty/cac:Party"


def read_ubl(root: etree._Element) -> EInvoice:
    credit = etree.QName(root).localname == "CreditNote"
    read = Reader({"cac": CAC, "cbc": CBC})
    invoice = EInvoice(
        syntax="ubl",
        credit_root=credit,
        profile=read.text(root, "cbc:CustomizationID"),
        number=read.text(root, "cbc:ID"),
        type_code=read.text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"),
        issue_date=read.date(root, "cbc:IssueDate"),
        # A CreditNote has no DueDate of its own: its payment means carry it.
        due_date=read.date(root, "cbc:DueDate")
        or read.date(root, "cac:PaymentMeans/cbc:PaymentDueDate"),
        currency=read.text(root, "cbc:DocumentCurrencyCode"),
        seller=_party_name(read, root, _SELLER),
        seller_vat_id=read.text(
            root, f"{_SELLER}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
        ),
        buyer=_party_name(read, root, _BUYER),
        iban=read.text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
    )
    totals = read.node(root, "cac:LegalMonetaryTotal")
    invoice.net = read.decimal(totals, "cbc:TaxExclusiveAmount")
    invoice.total = read.decimal(totals, "cbc:TaxInclusiveAmount")
    invoice.prepaid = read.decimal(totals, "cbc:PrepaidAmount")
    invoice.amount_due = read.decimal(totals, "cbc:PayableAmount")
    tax_total = _tax_total(read, root, invoice.currency)
    invoice.tax = read.decimal(tax_total, "cbc:TaxAmount")
    invoice.vat_breakdown = (
        [_vat_row(read, node) for node in read.nodes(tax_total, "cac:TaxSubtotal")]
        if tax_total is not None
        else []
    )
    line_path = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    quantity = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    invoice.lines = [_line(read, node, quantity) for node in read.nodes(root, line_path)]
    invoice.warnings += read.warnings
    return invoice


def _party_name(read: Reader, root: etree._Element, party: str) -> str | None:
    """The legal name (BT-27 / BT-44), or the trading name when no legal name is given."""
    return read.text(root, f"{party}/cac:PartyLegalEntity/cbc:RegistrationName") or read.text(
        root, f"{party}/cac:PartyName/cbc:Name"
    )


def _tax_total(read: Reader, root: etree._Element, currency: str | None) -> etree._Element | None:
    """The TaxTotal in the document currency (BT-110); a second one may give the tax in
    the accounting currency (BT-111), with no breakdown."""
    totals = read.nodes(root, "cac:TaxTotal")
    same = [
        node
        for node in totals
        if read.attribute(node, "cbc:TaxAmount", "currencyID") in (None, currency)
    ]
    chosen = same or totals
    return chosen[0] if chosen else None


def _vat_row(read: Reader, node: etree._Element) -> VatRow:
    return VatRow(
        category=read.text(node, "cac:TaxCategory/cbc:ID"),
        rate=read.decimal(node, "cac:TaxCategory/cbc:Percent"),
        basis=read.decimal(node, "cbc:TaxableAmount"),
        tax=read.decimal(node, "cbc:TaxAmount"),
        exemption_reason=read.text(node, "cac:TaxCategory/cbc:TaxExemptionReason"),
    )


def _line(read: Reader, node: etree._Element, quantity: str) -> Line:
    return Line(
        number=read.text(node, "cbc:ID"),
        description=read.text(node, "cac:Item/cbc:Name")
        or read.text(node, "cac:Item/cbc:Description"),
        quantity=read.decimal(node, quantity),
        unit=read.attribute(node, quantity, "unitCode"),
        unit_price=read.decimal(node, "cac:Price/cbc:PriceAmount"),
        net_amount=read.decimal(node, "cbc:LineExtensionAmount"),
        vat_category=read.text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=read.decimal(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
    )
