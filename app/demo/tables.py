"""The demo's tables: what a practice would see on its screens, printed with rich."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from app.services.lifecycle import REFUSED, JobResult
from app.services.queries import ActionOption, DocumentView, FileView


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def files_table(title: str, files: list[FileView]) -> Table:
    table = _table(title, "Client file", "Billing", "Status", "Client users", "Documents")
    for view in files:
        documents = counts_text(view.documents) or "none"
        table.add_row(view.name, view.billing, view.status, str(view.client_users), documents)
    if not files:
        table.add_row("(none)", "", "", "", "")
    return table


# What an accountant looks at; confidences and page counts stay in the API.
SHOWN_FIELDS = ("supplier", "date", "total", "tax", "currency", "invoice_number")


def documents_table(title: str, rows: list[tuple[str, DocumentView, str]]) -> Table:
    """Rows of (client file name, document, summary of the text read)."""
    table = _table(title, "Client file", "Document", "Status", "Reason", "Text read", "Fields")
    for name, view, summary in rows:
        fields = "\n".join(
            f"{key}: {value}"
            for key, value in (view.fields or {}).items()
            if key in SHOWN_FIELDS and value is not None
        )
        status = _status(view.status)
        table.add_row(name, view.filename, status, view.reason or "", summary, fields)
    return table


def einvoice_table(view: DocumentView) -> Table:
    """An e-invoice's lines, VAT breakdown and totals, as the XML gives them."""
    fields = view.fields or {}
    table = _table(f"{view.filename} ({view.engine})", "Line", "Quantity", "Unit price",
                   "Net", "VAT %")  # fmt: skip
    for line in fields.get("lines", []):
        quantity = f"{line['quantity']} {line['unit'] or ''}".strip()
        table.add_row(line["description"], quantity, line["unit_price"], line["net_amount"],
                      line["vat_rate"])  # fmt: skip
    for row in fields.get("vat_breakdown", []):
        table.add_row(f"VAT {row['rate']} % on {row['basis']}", "", "", "", row["tax"])
    for key in ("net", "tax", "total", "amount_due"):
        table.add_row(f"[bold]{key}[/]", "", "", fields.get(key) or "", "")
    return table


def jobs_table(title: str, jobs: list[tuple[str, JobResult]]) -> Table:
    table = _table(title, "Request", "Outcome", "What it did")
    for request, job in jobs:
        if job.status == REFUSED:
            table.add_row(request, f"[red]{job.status}[/]", f"nothing ({job.reason})")
        else:
            table.add_row(request, job.status, counts_text(job.counts) or "-")
    return table


def refusals_table(refusals: list[tuple[str, JobResult]]) -> Table:
    table = _table("Refused, and why", "Request", "Reason", "What the practice is told")
    for request, job in refusals:
        table.add_row(request, f"[red]{job.reason}[/]", job.message or "")
    return table


def menu_table(name: str, options: list[ActionOption]) -> Table:
    table = _table(f"Manage menu of {name}", "Action", "Allowed", "Why not", "Would affect")
    for option in options:
        allowed = "[green]yes[/]" if option.allowed else "[red]no[/]"
        table.add_row(option.action, allowed, option.reason or "", counts_text(option.counts))
    return table


def footprint_table(name: str, before: tuple[int, ...], after: tuple[int, ...]) -> Table:
    table = _table(f"What is left of {name}", "", "File rows", "Document rows", "Blobs")
    table.add_row("before", *map(str, before))
    table.add_row("after", *map(str, after))
    return table


def events_table(
    events: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]],
) -> Table:
    """Rows of (client file name, action, from state, to state, counts)."""
    table = _table(
        "Lifecycle events (append-only)", "Client file", "Action", "From", "To", "Counts"
    )
    for name, action, from_state, to_state, counts in events:
        table.add_row(
            name, action, _state(from_state), _state(to_state), counts_text(counts) or "-"
        )
    return table


def counts_text(counts: dict[str, Any]) -> str:
    return ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())


def _state(state: dict[str, Any]) -> str:
    if "billing" not in state:
        return str(state.get("status", "?"))
    where = "attached" if state.get("practice_id") else "detached"
    return f"{state.get('status')}, {state['billing']} billing, {where}"


def _status(status: str) -> str:
    colour = {"extracted": "green", "skipped": "yellow", "failed": "red"}.get(status)
    return f"[{colour}]{status}[/]" if colour else status
