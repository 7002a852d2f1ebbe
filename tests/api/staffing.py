"""People the tests of staff, tokens, audit and webhooks add to the two-practice world:
each practice's admin, and a disabled member of A's staff who still holds a token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.bootstrap import Runtime
from app.services import admin, staff, tokens
from tests.api.conftest import World


@dataclass
class People:
    world: World
    admin_a: uuid.UUID
    admin_b: uuid.UUID
    disabled_a: uuid.UUID
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        if who in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.world.auth(who)


def add_people(runtime: Runtime, world: World) -> People:
    admin_a = admin.create_staff_user(
        runtime.uow(), world.practice_a, "Ada Admin", "ada@alpha.test", is_admin=True
    )
    admin_b = admin.create_staff_user(
        runtime.uow(), world.practice_b, "Bea Boss", "bea@beta.test", is_admin=True
    )
    disabled_a = admin.create_staff_user(
        runtime.uow(), world.practice_a, "Dan Gone", "dan@alpha.test"
    )
    issued = {
        "admin_a": tokens.issue(runtime.uow(), admin_a).secret,
        "admin_b": tokens.issue(runtime.uow(), admin_b).secret,
        "disabled_a": tokens.issue(runtime.uow(), disabled_a).secret,
    }
    staff.set_disabled(runtime.uow(), "dan@alpha.test", True)
    return People(world, admin_a, admin_b, disabled_a, issued)
