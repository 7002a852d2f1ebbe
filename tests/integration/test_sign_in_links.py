"""A sign-in link opens one session, once, on real PostgreSQL: two web processes given the
same link at the same moment cannot both sign in with it."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.domain.notices import Letter
from app.persistence.mail import OutboxMail
from app.persistence.sign_in_links import SignInLink
from app.services import sign_in_links
from app.services.tokens import SignIn
from tests.integration.conftest import Practice, Stack


def _letter(url: str, ends: datetime) -> Letter:
    return Letter("Sign in", url)


def test_one_link_used_twice_at_the_same_moment_signs_in_once(
    stack: Stack, practice: Practice
) -> None:
    uow = stack.runtime.uow
    with uow() as unit:
        staff = unit.users.get(practice.staff.user_id)
        assert staff is not None
        address = staff.email
    sign_in_links.request(
        uow(), address, ttl=timedelta(minutes=5), link_url="http://x.test/l", write=_letter
    )
    body = stack.scalar(sa.select(OutboxMail.body).where(OutboxMail.to_address == address))
    secret = body.rsplit("token=", 1)[1]
    results: list[SignIn | str | None] = ["not run", "not run"]

    def use(index: int) -> None:
        results[index] = sign_in_links.use(uow(), secret)

    racers = [threading.Thread(target=use, args=(i,)) for i in range(2)]
    with stack.runtime.db.connect() as connection:
        holding = connection.begin()
        connection.execute(sa.select(SignInLink.id).with_for_update())
        for racer in racers:
            racer.start()
        waiting = (
            "select count(*) from pg_stat_activity"
            " where wait_event_type = 'Lock' and datname = current_database()"
        )
        deadline = time.monotonic() + 20
        while connection.exec_driver_sql(waiting).scalar_one() < 2:
            connection.exec_driver_sql("select pg_stat_clear_snapshot()")
            assert time.monotonic() < deadline, "the two uses never reached the link's row"
            time.sleep(0.02)
        holding.rollback()  # both go at once
    for racer in racers:
        racer.join(timeout=30)

    signed_in = [result for result in results if isinstance(result, SignIn)]
    assert len(signed_in) == 1, results
    assert signed_in[0].user_id == practice.staff.user_id
    assert results.count(None) == 1
    assert sign_in_links.use(uow(), secret) is None
