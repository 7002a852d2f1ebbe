"""What an action means, for the practice and for its client (the seed's two lists)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.model import Action


@dataclass(frozen=True, slots=True)
class Consequences:
    for_practice: tuple[str, ...]
    for_client: tuple[str, ...]


CONSEQUENCES: dict[Action, Consequences] = {
    Action.DETACH: Consequences(
        for_practice=(
            "You will no longer see this client on your My clients page.",
            "You will no longer have access to this client file.",
        ),
        for_client=(
            "The client keeps access to the file and all its documents.",
            "The client can take its own subscription.",
            "The client can connect the file to another practice.",
        ),
    ),
    Action.DEACTIVATE: Consequences(
        for_practice=(
            "You can still open this file from the deactivated client files list.",
            "Documents you add to this file will not be sent for extraction.",
        ),
        for_client=(
            "The client keeps access to the file and its documents.",
            "The client can take its own subscription.",
            "Documents the client adds to this file will not be sent for extraction.",
        ),
    ),
    Action.DELETE: Consequences(
        for_practice=(
            "This cannot be undone.",
            "All the data of this client file will be deleted.",
        ),
        for_client=("All the data of this client file will be deleted.",),
    ),
    Action.REACTIVATE: Consequences(
        for_practice=(
            "The client moves back to your list of active clients.",
            "Document extraction is available again for this file.",
        ),
        for_client=("Documents added from now on are sent for extraction again.",),
    ),
    Action.INVITE_CLIENT_USER: Consequences(
        for_practice=("The file can no longer be deleted, only detached from your practice.",),
        for_client=("The invited person can see the file and all its documents.",),
    ),
    Action.SUBSCRIBE: Consequences(
        for_practice=(),
        for_client=("Extraction works again under the client's own subscription.",),
    ),
    Action.ATTACH: Consequences(
        for_practice=("The file appears in the practice's My clients list.",),
        for_client=("The practice can see the file and all its documents.",),
    ),
}
