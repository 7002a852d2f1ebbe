"""The words of Dossier's mail: an invitation, and a notice telling the client what its
practice did to the file (the seed's "what this means for your client")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.consequences import CONSEQUENCES
from app.domain.model import Action

# The changes a client is told about, and how the notice names them.
TOLD: dict[Action, str] = {
    Action.DETACH: "has detached",
    Action.DEACTIVATE: "has deactivated",
    Action.REACTIVATE: "has reactivated",
    Action.DELETE: "has deleted",
}


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str


def invitation(
    file_name: str,
    inviter: str,
    token: str,
    accept_url: str,
    ends: datetime,
    open_url: str | None = None,
) -> Letter:
    # The console's page, where there is one: open the link, accept, and you are in.
    in_browser = (
        f"To accept, open this link:\n\n    {open_url}?code={token}\n\nOr send"
        if open_url
        else "To accept, send"
    )
    body = (
        f"{inviter} invites you to the client file {file_name!r} on Dossier, where its "
        "receipts and invoices are kept and read.\n\n"
        f"{in_browser} this invitation code to Dossier:\n\n"
        f"    {token}\n\n"
        f"    curl -X POST {accept_url} -H 'Content-Type: application/json' \\\n"
        f'         -d \'{{"token": "{token}"}}\'\n\n'
        "The answer holds your own API token. The code works once, until "
        f"{ends.strftime('%Y-%m-%d %H:%M %Z').strip()}.\n\n"
        "If you did not expect this invitation, ignore this message: nothing happens "
        "unless you accept it.\n"
    )
    return Letter(f"Invitation to the client file {file_name}", body)


def notice(action: Action, file_name: str, practice: str) -> Letter:
    """What the client is told after the practice's change (`action` in TOLD)."""
    lines = "\n".join(f"- {sentence}" for sentence in CONSEQUENCES[action].for_client)
    body = (
        f"{practice} {TOLD[action]} the client file {file_name!r}.\n\n"
        f"What this means for you:\n{lines}\n"
    )
    return Letter(f"{file_name}: {practice} {TOLD[action]} the file", body)


def attach_request(file_name: str, client_address: str) -> Letter:
    body = (
        f"{client_address} asks your practice to take the client file {file_name!r} into "
        "your subscription.\n\nYou see nothing of the file until you accept. Answer with "
        "GET /v1/attach-requests, then POST /v1/attach-requests/<id>/accept or /decline.\n"
    )
    return Letter(f"A client asks you to take {file_name}", body)


def answer(file_name: str, practice: str, *, accepted: bool) -> Letter:
    if accepted:
        return Letter(
            f"{practice} has taken {file_name}",
            f"{practice} accepted your request: the client file {file_name!r} is now in "
            "its list, and it can see the file and all its documents.\n",
        )
    return Letter(
        f"{practice} has declined {file_name}",
        f"{practice} declined your request to take the client file {file_name!r}. "
        "The file stays with you, as it was.\n",
    )
