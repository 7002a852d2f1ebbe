"""The demo's e-invoices, written at run time: a Factur-X PDF (its page and its CII XML,
joined by the factur-x library) and a UBL 2.1 invoice as a Peppol access point delivers it.
Nothing third-party is shipped."""

from __future__ import annotations

from app.demo.samples import Sample, text_pdf

# What both say, for the demo to check what the worker read.
FACTURX_FIELDS = {
    "supplier": "Papeterie Moreau SAS",
    "invoice_number": "PM-2024-1187",
    "date": "2024-11-12",
    "net": "150.00",
    "tax": "30.00",
    "total": "180.00",
    "amount_due": "180.00",
}
UBL_FIELDS = {
    "supplier": "Lichtwerk Studiotechnik GmbH",
    "invoice_number": "LW-24-0933",
    "date": "2024-11-18",
    "net": "1050.00",
    "tax": "193.50",
    "total": "1243.50",
    "amount_due": "1243.50",
}

_CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>PM-2024-1187</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20241112</udt:DateTimeString>
  </ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>{lines}
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Papeterie Moreau SAS</ram:Name>
    <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR32123456789</ram:ID>
    </ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Studio Lumière</ram:Name>
    <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
   </ram:BuyerTradeParty></ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>
    <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>FR7630004000031234567890143</ram:IBANID>
    </ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>30.00</ram:CalculatedAmount>
    <ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>150.00</ram:BasisAmount>
    <ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent>
   </ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>
    <udt:DateTimeString format="102">20241212</udt:DateTimeString></ram:DueDateDateTime>
   </ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>150.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>150.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">30.00</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>180.00</ram:GrandTotalAmount>
    <ram:DuePayableAmount>180.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""
_CII_LINE = """
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>{number}</ram:LineID>
   </ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>
    <ram:ChargeAmount>{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
   </ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery>
    <ram:BilledQuantity unitCode="C62">{quantity}</ram:BilledQuantity>
   </ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode>
    <ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent>
    </ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation>
    <ram:LineTotalAmount>{net}</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>"""
_FACTURX_LINES = [("1", "Papier photo A4 brillant", "90.00", "1", "90.00"),
                  ("2", "Cartouche encre noire", "20.00", "3", "60.00")]  # fmt: skip

_UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ID>LW-24-0933</cbc:ID><cbc:IssueDate>2024-11-18</cbc:IssueDate>
 <cbc:DueDate>2024-12-18</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PartyTaxScheme><cbc:CompanyID>DE811907980</cbc:CompanyID>
   <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Lichtwerk Studiotechnik GmbH</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
  <cbc:RegistrationName>Studio Lumière</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">193.50</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">900.00</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="EUR">171.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID>
   <cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
  </cac:TaxCategory></cac:TaxSubtotal>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">150.00</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="EUR">22.50</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID>
   <cbc:Percent>15</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
  </cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">1050.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">1050.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">1243.50</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">1243.50</cbc:PayableAmount></cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="C62">2</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">900.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>LED-Flächenleuchte 60 W</cbc:Name><cac:ClassifiedTaxCategory>
   <cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>
   <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
  </cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">450.00</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>
 <cac:InvoiceLine><cbc:ID>2</cbc:ID><cbc:InvoicedQuantity unitCode="HUR">2</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">150.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Einweisung vor Ort</cbc:Name><cac:ClassifiedTaxCategory>
   <cbc:ID>S</cbc:ID><cbc:Percent>15</cbc:Percent>
   <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
  </cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">75.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
</Invoice>
"""


def facturx_invoice() -> Sample:
    """The page a person reads, and the same invoice as CII inside it (PDF/A-3)."""
    import facturx

    lines = "".join(
        _CII_LINE.format(number=n, name=name, price=price, quantity=q, net=net)
        for n, name, price, q, net in _FACTURX_LINES
    )
    page = text_pdf([
        "Papeterie Moreau SAS", "TVA FR32123456789", "", "Facture PM-2024-1187",
        "Date: 12/11/2024", "Client: Studio Lumière", "",
        *(f"{name}  {q} x {price}  {net}" for _, name, price, q, net in _FACTURX_LINES),
        "", "Total HT: 150,00 EUR", "TVA 20 %: 30,00 EUR", "Total TTC: 180,00 EUR",
    ])  # fmt: skip
    xml = _CII.format(lines=lines).encode()
    pdf = facturx.generate_from_binary(page, xml, flavor="factur-x", level="en16931")
    return Sample("facture-PM-2024-1187.pdf", pdf)


def ubl_invoice() -> Sample:
    return Sample("LW-24-0933.xml", _UBL.encode())
