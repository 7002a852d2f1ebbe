"""What people see: the My clients lists, a file's documents and the Manage menu with the
consequences and counts of each action."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from app.domain.model import Action, FileStatus
from app.errors import NotFound
from app.services import admin, queries

if TYPE_CHECKING:
    from tests.services.conftest import Office


def menu(office: Office, by: uuid.UUID | None = None) -> dict[str, queries.ActionOption]:
    actor = office.actor(by)
    options = queries.available_actions(office.uow, actor, office.file_id)
    return {option.action: option for option in options}


def test_the_menu_lists_every_action_once(office: Office) -> None:
    assert sorted(menu(office)) == sorted(str(action) for action in Action)


def test_counts_for_a_file_with_queued_work_and_no_client_user(office: Office) -> None:
    office.extracted(office.receipt(1))
    office.queued(office.receipt(2))
    office.queued(office.receipt(3))
    office.upload(office.receipt(4))

    options = menu(office)

    assert options["deactivate"].allowed
    assert options["deactivate"].counts == {"queued_documents_skipped": 3}
    assert options["delete"].allowed
    assert options["delete"].counts == {"documents_deleted": 4, "blobs_deleted": 4}
    assert not options["detach"].allowed
    assert options["detach"].reason == "no_client_user"
    assert options["detach"].message
    assert options["detach"].counts == {"client_users_keeping_access": 0}
    assert not options["reactivate"].allowed
    assert options["invite_client_user"].allowed
    assert not options["subscribe"].allowed
    assert options["subscribe"].reason == "client_user_only"


def test_counts_after_a_client_user_joins_and_the_file_is_deactivated(office: Office) -> None:
    office.invite("owner@martin.test")
    office.invite("bookkeeper@martin.test")
    office.queued(office.receipt(1))
    office.change(Action.DEACTIVATE)
    office.upload(office.receipt(2))  # stored, not yet gated

    options = menu(office)

    assert options["detach"].allowed
    assert options["detach"].counts == {"client_users_keeping_access": 2}
    assert not options["delete"].allowed
    assert options["delete"].reason == "has_client_users"
    assert options["reactivate"].allowed
    assert options["reactivate"].counts == {"skipped_documents_resendable": 1}
    assert not options["deactivate"].allowed


def test_every_option_says_what_it_means(office: Office) -> None:
    for option in menu(office).values():
        assert option.for_practice or option.for_client
        for line in (*option.for_practice, *option.for_client):
            assert line.endswith(".")
        assert option.allowed == (option.reason is None) == (option.message is None)


def test_a_client_user_sees_their_own_options(office: Office) -> None:
    owner = office.invite("owner@martin.test")
    office.change(Action.DETACH)

    options = menu(office, owner)

    assert options["subscribe"].allowed
    assert options["attach"].allowed
    assert not options["deactivate"].allowed
    assert options["deactivate"].reason == "practice_staff_only"


def test_the_practice_lists_only_its_own_files(office: Office) -> None:
    other = admin.create_practice(office.uow, "Cabinet Leroy")
    admin.create_client_file(office.uow, other, "Not ours")
    second = office.new_file("Atelier Bernard")

    listed = queries.list_files(office.uow, office.actor(), FileStatus.ACTIVE)

    assert [view.name for view in listed] == ["Atelier Bernard", "Boulangerie Martin"]
    assert {view.id for view in listed} == {office.file_id, second}


def test_a_file_view_counts_documents_by_status(office: Office) -> None:
    office.extracted(office.receipt(1))
    office.queued(office.receipt(2))

    view = queries.get_file(office.uow, office.actor(), office.file_id)

    assert view.documents == {"extracted": 1, "queued": 1}
    assert (view.billing, view.status, view.client_users) == ("practice", "active", 0)


def test_a_client_user_never_sees_another_clients_file(office: Office) -> None:
    owner = office.invite("owner@martin.test")
    other = office.new_file("Atelier Bernard")
    elsewhere = office.upload(office.receipt(1), file_id=other)
    client = office.actor(owner)

    with pytest.raises(NotFound):
        queries.get_file(office.uow, client, other)
    with pytest.raises(NotFound):
        queries.list_documents(office.uow, client, other)
    with pytest.raises(NotFound):
        queries.get_document(office.uow, client, elsewhere)
    with pytest.raises(NotFound):
        queries.available_actions(office.uow, client, other)
    listed = queries.list_files(office.uow, client, FileStatus.ACTIVE)
    assert [view.id for view in listed] == [office.file_id]
