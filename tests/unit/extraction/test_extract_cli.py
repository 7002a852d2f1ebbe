import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from tests.unit.extraction.samples import INVOICE_LINES, pdf_bytes


@pytest.fixture(autouse=True)
def invoice_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DOSSIER_EXTRACTION_ENGINE", "app.extraction.engine:InvoiceEngine")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_extract_prints_one_json_object_per_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.txt"
    first.write_bytes(pdf_bytes([INVOICE_LINES]))
    second.write_text("Corner Shop Ltd\nTotal: £4.50\n")

    result = CliRunner().invoke(cli, ["extract", "--json", str(first), str(second)])

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert list(records[0]) == [
        "file", "supplier", "date", "total", "tax", "currency", "invoice_number", "net",
        "amount_due", "due_date", "engine", "seconds",
    ]  # fmt: skip
    assert (records[0]["file"], records[0]["total"], records[0]["engine"]) == (
        str(first),
        "73.85",
        "invoice/text-layer",
    )
    assert (records[1]["total"], records[1]["currency"], records[1]["date"]) == (
        "4.50",
        "GBP",
        None,
    )


def test_unreadable_files_are_reported_and_fail_the_command(tmp_path: Path) -> None:
    broken, binary = tmp_path / "broken.pdf", tmp_path / "blob.bin"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    binary.write_bytes(b"\x00\x01\x02")

    result = CliRunner().invoke(cli, ["extract", "--json", str(broken), str(binary)])

    assert result.exit_code == 1
    errors = [json.loads(line)["error"] for line in result.output.splitlines()]
    assert "damaged" in errors[0]
    assert "Not a PDF" in errors[1]


def test_without_json_the_fields_are_readable(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf_bytes([INVOICE_LINES]))
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0
    assert "total=73.85" in result.output
    assert "supplier=Boulangerie Martin SARL" in result.output


def test_an_e_invoice_gives_its_own_keys_beside_the_usual_ones(tmp_path: Path) -> None:
    from benchmarks.einvoice_ubl import ubl
    from tests.unit.extraction.einvoice_samples import known_spec

    path = tmp_path / "invoice.xml"
    path.write_bytes(ubl(known_spec()))

    result = CliRunner().invoke(cli, ["extract", "--json", str(path)])

    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert list(record)[:7] == [
        "file", "supplier", "date", "total", "tax", "currency", "invoice_number",
    ]  # fmt: skip
    assert (record["total"], record["net"], record["amount_due"]) == ("331.47", "279.84", "231.47")
    assert record["engine"] == "einvoice/ubl"
    assert len(record["lines"]) == 2
    assert record["vat_breakdown"][1]["basis"] == "249.90"
    assert record["warnings"] == []


def test_xml_that_is_no_e_invoice_is_refused_with_its_root(tmp_path: Path) -> None:
    path = tmp_path / "order.xml"
    path.write_bytes(b'<?xml version="1.0"?><Order xmlns="urn:example:orders"/>')

    result = CliRunner().invoke(cli, ["extract", "--json", str(path)])

    assert result.exit_code == 1
    assert "not an e-invoice" in json.loads(result.output)["error"]


def test_without_json_an_e_invoice_shows_its_lines_and_warnings(tmp_path: Path) -> None:
    import dataclasses

    from benchmarks.einvoice_cii import cii
    from tests.unit.extraction.einvoice_samples import facturx_pdf, known_spec, printed_page

    spec = known_spec()
    other = dataclasses.replace(spec, seller="Brauhaus Kessler GmbH", number="RE-7781")
    path = tmp_path / "facture.pdf"
    path.write_bytes(facturx_pdf(printed_page(other), cii(spec, "en16931"), "en16931"))

    result = CliRunner().invoke(cli, ["extract", str(path)])

    assert result.exit_code == 0, result.output
    first, warning = result.output.splitlines()
    assert "total=331.47" in first
    assert "2 lines" in first
    assert "einvoice/factur-x" in first
    assert warning.startswith("  warning: The printed page and the embedded XML disagree on ")
