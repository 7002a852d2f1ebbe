"""Request and response bodies, as the OpenAPI schema shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from app.domain import instants, reasons, text

# A time from the caller, kept in UTC; a value out of bounds is a 422 at the edge, never a
# row that no later read can load.
Instant = Annotated[
    AwareDatetime,
    AfterValidator(instants.to_utc),
    Field(description=f"With its time zone; {instants.BOUNDS}."),
]


# Printable, with at least one character that is not a space: what `text.checked` keeps.
PRINTABLE = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"

EMAIL_PATTERN = r"^[^\s\x00-\x1F\x7F-\x9F]+@[^\s\x00-\x1F\x7F-\x9F]+$"
ACTION_PATTERN = r"^[a-z_]{1,40}$"

# What a value that misses one of these patterns is told, instead of the pattern itself.
PATTERN_WORDS = {
    PRINTABLE: "Use printable characters only: no control character (newline, tab, NUL), "
    "and not only spaces.",
    EMAIL_PATTERN: "Give a valid e-mail address, such as name@example.com.",
    ACTION_PATTERN: "An action is a word of lower-case letters and underscores, e.g. detach.",
}


def _checked(max_length: int, what: str) -> AfterValidator:
    def check(value: str) -> str:
        return text.checked(value, max_length=max_length, what=what)

    return AfterValidator(check)


# Strings that refuse control characters and over-long values with a 422, sized like
# the columns that keep them.
Name = Annotated[
    str, Field(min_length=1, max_length=200, pattern=PRINTABLE), _checked(200, "The name")
]
Reason = Annotated[
    str, Field(min_length=1, max_length=500, pattern=PRINTABLE), _checked(500, "The reason")
]
Email = Annotated[
    str,
    Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN),
    AfterValidator(text.checked_email),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class FileOut(BaseModel):
    id: uuid.UUID
    name: str
    practice_id: uuid.UUID | None
    billing: str
    status: str
    client_users: int
    documents: dict[str, int] = Field(description="Number of documents in each status.")


class FileListOut(BaseModel):
    items: list[FileOut]


class VatBreakdownOut(BaseModel):
    """One VAT rate of an e-invoice (EN 16931 BG-23); amounts as strings, "123.45"."""

    category: str | None = Field(description="VAT category code (BT-118): S, Z, E, AE, K ...")
    rate: str | None = Field(description="Rate in percent (BT-119).")
    basis: str | None = Field(description="Taxable amount (BT-116).")
    tax: str | None = Field(description="VAT amount (BT-117).")
    exemption_reason: str | None = None


class InvoiceLineOut(BaseModel):
    """One line of an e-invoice (EN 16931 BG-25)."""

    number: str | None
    description: str | None
    quantity: str | None
    unit: str | None = Field(description="UN/ECE Recommendation 20 unit code (C62, HUR ...).")
    unit_price: str | None = Field(description="Net price of one unit, as the XML gives it.")
    net_amount: str | None
    vat_category: str | None
    vat_rate: str | None


class FieldsOut(BaseModel):
    """What the engine read: supplier, date, total, tax, currency, invoice_number and
    confidence, and for e-invoices net, amount_due, due_date, seller_vat_id, buyer,
    type_code, profile, iban, syntax and the lines and VAT breakdown typed below."""

    model_config = ConfigDict(extra="allow")

    vat_breakdown: list[VatBreakdownOut] | None = Field(default=None, description="E-invoices.")
    lines: list[InvoiceLineOut] | None = Field(default=None, description="E-invoices.")
    warnings: list[str] | None = Field(
        default=None,
        description="E-invoices: values that could not be read, or the printed page "
        "disagreeing with the XML (the XML's values are kept).",
    )


class DocumentOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    status: str
    reason: str | None = Field(
        description="Why it was skipped or failed, as a stable code (e.g. engine_error)."
    )
    message: str | None = Field(default=None, description="The reason, as a sentence.")
    created_at: datetime
    fields: FieldsOut | None = Field(description="Extracted fields, once extracted.")
    engine: str | None

    @model_validator(mode="after")
    def _explained(self) -> DocumentOut:
        self.reason, sentence = reasons.explained(self.reason)
        self.message = self.message or sentence
        return self


class DocumentPageOut(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class UploadOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str
    duplicate: bool = Field(description="True when these bytes were already in the file.")
    retry: str | None = Field(
        default=None,
        description=(
            "For a duplicate that failed or was skipped: the path to POST to send it for "
            "extraction again."
        ),
    )


class ActionOut(BaseModel):
    action: str
    allowed: bool
    reason: str | None
    message: str | None
    for_practice: list[str]
    for_client: list[str]
    counts: dict[str, int]


class ActionsOut(BaseModel):
    items: list[ActionOut]


class JobOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    status: str = Field(description="pending, running, done or refused.")
    reason: str | None = None
    message: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    finished_at: datetime | None = None


class ReactivateIn(Body):
    reprocess_skipped: StrictBool = Field(
        default=False, description="Send the documents skipped while deactivated again."
    )


class JobPageOut(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int


class ResendIn(Body):
    which: Literal["failed", "skipped"] = Field(
        description="Send again the documents that failed, or those that were skipped."
    )
    dry_run: StrictBool = Field(
        default=False, description="Only count them, with the same checks; change nothing."
    )


class ResendPreviewOut(BaseModel):
    client_file_id: uuid.UUID
    which: str
    documents: int = Field(description="How many documents a resend would send again.")
    dry_run: bool = True


class HealthOut(BaseModel):
    status: str
    database: str | None = None
    broker: str | None = None


UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token."},
    # Replaces FastAPI's own 422 shape: every error leaves in the one JSON error shape.
    422: {"model": ErrorOut, "description": "The request is not valid; nothing changed."},
    429: {"model": ErrorOut, "description": "Too many requests; see Retry-After."},
}
