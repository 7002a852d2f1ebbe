"""`dossier extract FILE...`: run the configured engine on local files, as the pipeline would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

# The first six are the keys the command always printed; later fields are added after them.
OUTPUT_FIELDS = (
    "supplier", "date", "total", "tax", "currency", "invoice_number",
    "net", "amount_due", "due_date",
)  # fmt: skip
# Shown when the engine gives them (e-invoices, app/extraction/einvoice/).
EINVOICE_FIELDS = (
    "seller_vat_id", "buyer", "type_code", "profile", "iban",
    "vat_breakdown", "lines", "warnings", "disagreements",
)  # fmt: skip


def extract_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="PDF, JPEG, PNG or text files, or e-invoice XML (CII, UBL).",
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line and file.")
    ] = False,
) -> None:
    """Read receipts and invoices and print their fields (null where not found)."""
    from app.config import get_settings
    from app.extraction import load_engine

    engine = load_engine(get_settings().extraction_engine)
    failures = 0
    for path in files:
        record = extract_file(engine, path)
        failures += "error" in record
        typer.echo(json.dumps(record, ensure_ascii=False) if as_json else _human(record))
    if failures:
        raise typer.Exit(1)


def extract_file(engine: Any, path: Path) -> dict[str, Any]:
    """The CLI's record for one file: the fields, the engine and the time, or an error."""
    from app.domain.filetypes import refusal, sniff, xml_root
    from app.errors import UnreadableDocument

    data = path.read_bytes()
    content_type = sniff(data)
    if content_type is None:
        if xml_root(data[:8192]) is not None:
            return {"file": str(path), "error": refusal(data)}
        return {"file": str(path), "error": "Not a PDF, JPEG, PNG, text file or e-invoice XML."}
    try:
        result = engine.extract(data, content_type)
    except UnreadableDocument as error:
        return {"file": str(path), "error": error.message}
    record: dict[str, Any] = {"file": str(path)}
    record.update({name: result.fields.get(name) for name in OUTPUT_FIELDS})
    record.update({name: result.fields[name] for name in EINVOICE_FIELDS if name in result.fields})
    record.update({"engine": result.engine, "seconds": round(result.seconds, 3)})
    return record


def _human(record: dict[str, Any]) -> str:
    if "error" in record:
        return f"{record['file']}: {record['error']}"
    shown = ", ".join(f"{name}={record[name]}" for name in OUTPUT_FIELDS)
    if "lines" in record:
        shown += f", {len(record['lines'])} lines"
    line = f"{record['file']}: {shown} ({record['engine']}, {record['seconds']:.2f} s)"
    return "\n".join([line, *(f"  warning: {text}" for text in record.get("warnings", []))])
