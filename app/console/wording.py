"""The console's own words for what the services name by code: actions, statuses and the
counts of a job or of what an action would do. Each English label is also the key of its
translation."""

from __future__ import annotations

from typing import Any

from app.console.i18n import Translator

ACTION_LABELS = {
    "detach": "Detach",
    "deactivate": "Deactivate",
    "delete": "Delete",
    "reactivate": "Reactivate",
    "invite_client_user": "Invite a client user",
    "subscribe": "Take your own subscription",
    "attach": "Attach to a practice",
    "retry": "Send for extraction again",
    "resend": "Send for extraction again",
    "cancel_deletion": "Cancel the deletion",
    # Events of the history that are no action of the menu.
    "delete_requested": "Deletion asked for",
    "cancel_delete": "Deletion cancelled",
    "accept_invitation": "Invitation accepted",
    "revoke_invitation": "Invitation withdrawn",
    "remove_client_user": "Client user removed",
    "retention_hold": "Retention hold placed",
    "retention_hold_released": "Retention hold lifted",
}
JOB_STATUS = {
    "pending": "Waiting for a worker",
    "running": "In progress",
    "done": "Done",
    "refused": "Refused",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "scheduled": "Scheduled",
}
FILE_STATUS = {"active": "Active", "deactivated": "Deactivated", "deleting": "Being deleted"}
FILE_FILTERS = {
    "active": "Active clients",
    "deactivated": "Deactivated clients",
    "deleting": "Being deleted",
}
# The same filters, as the client's own people read them (their files, not clients).
CLIENT_FILE_FILTERS = {
    "active": "Active files",
    "deactivated": "Deactivated files",
    "deleting": "Being deleted",
}
BILLING = {
    "practice": "Included in your subscription",
    "individual": "The client's own subscription",
    "none": "No subscription",
}
# The same billing, as the client's own people read it.
CLIENT_BILLING = {
    "practice": "Included in your practice's subscription",
    "individual": "Your own subscription",
    "none": "No subscription",
}


def billing(code: str, *, is_staff: bool) -> str:
    return (BILLING if is_staff else CLIENT_BILLING)[code]


def file_filter(code: str, *, is_staff: bool) -> str:
    return (FILE_FILTERS if is_staff else CLIENT_FILE_FILTERS)[code]


DOCUMENT_STATUS = {
    "pending": "Received",
    "queued": "Waiting for extraction",
    "extracting": "Being extracted",
    "extracted": "Extracted",
    "skipped": "Skipped",
    "failed": "Failed",
}
FIELD_LABELS = {
    "supplier": "Supplier",
    "date": "Date",
    "invoice_number": "Number",
    "total": "Total",
    "net": "Net",
    "tax": "Tax",
    "amount_due": "Amount due",
    "due_date": "Due date",
}
# What an action would do (the Manage menu), and what a job did.
IMPACT = {
    "client_users_keeping_access": "Client users who keep access: {n}",
    "queued_documents_skipped": "Documents waiting for extraction that will be skipped: {n}",
    "documents_deleted": "Documents that will be deleted: {n}",
    "blobs_deleted": "Stored files that will be deleted: {n}",
    "skipped_documents_resendable": "Skipped documents that can be sent again: {n}",
}
DONE = {
    "documents_skipped": "Documents skipped: {n}",
    "tasks_revoked": "Queued tasks withdrawn: {n}",
    "documents_deleted": "Documents deleted: {n}",
    "extractions_deleted": "Extractions deleted: {n}",
    "blobs_deleted": "Stored files deleted: {n}",
    "documents_resent": "Documents sent for extraction again: {n}",
    "documents": "Documents: {n}",
}


def _counted(t: Translator, labels: dict[str, str], counts: dict[str, Any]) -> list[str]:
    return [
        t(labels[key], n=t.number(value))
        for key, value in counts.items()
        if key in labels and isinstance(value, int)
    ]


def impact(t: Translator, counts: dict[str, Any]) -> list[str]:
    return _counted(t, IMPACT, counts)


def done(t: Translator, counts: dict[str, Any]) -> list[str]:
    return _counted(t, DONE, counts)


def users(t: Translator, count: int) -> str:
    return t("1 user") if count == 1 else t("{n} users", n=t.number(count))


EXPORT_STATUS = {
    "pending": "Waiting for a worker",
    "building": "Being prepared",
    "ready": "Ready",
    "failed": "Failed",
    "expired": "Expired",
}
NOTICES = {
    "invite_client_user": "The invitation was sent; the person gets access once they accept it.",
    "subscribe": "Your own subscription now covers this file.",
    "attach": "The practice was asked to take the file; it is attached once they accept.",
    "cancel_attach": "The request was withdrawn; the practice can no longer accept it.",
    "accept_attach": "The file is now one of your clients, under your subscription.",
    "decline_attach": "The request was declined; the client is told by e-mail.",
    "retry": "The document was sent for extraction again.",
    "export": "The export is being prepared; reload the page to download it.",
    "schedule": "The action is scheduled.",
    "cancel": "The scheduled action was cancelled.",
    "cancel_deletion": "The deletion was cancelled: the file is back as it was.",
    "hold": "The retention hold is placed: the file cannot be deleted until it ends.",
    "release": "The retention hold is lifted.",
}
ACTION_SUMMARIES = {
    "detach": "The file leaves your practice; the client keeps it.",
    "deactivate": "You keep the file; extraction is suspended.",
    "delete": "Every document and all data of the file are removed for good.",
    "reactivate": "The file is active again and its documents are extracted.",
    "invite_client_user": "Give a person of the client's business access to the file.",
    "subscribe": "Your business pays for its own plan and extraction works again.",
    "attach": "Connect the file to a practice of your choice.",
}
CONFIRM_TITLES = {
    "detach": "Detach this client file?",
    "deactivate": "Deactivate this client file?",
    "delete": "Delete this client file for good?",
    "reactivate": "Reactivate this client file?",
    "invite_client_user": "Invite a client user",
    "subscribe": "Take your own subscription?",
    "attach": "Attach this file to a practice?",
}
CONFIRM_BUTTONS = {
    "detach": "Detach the file",
    "deactivate": "Deactivate the file",
    "delete": "Delete the file",
    "reactivate": "Reactivate the file",
    "invite_client_user": "Invite",
    "subscribe": "Subscribe",
    "attach": "Attach",
}
