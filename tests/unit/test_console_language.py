"""Every sentence of the rules, and every word of the console, has its French; the
language is chosen by the switch, else Accept-Language; amounts and dates follow it."""

from __future__ import annotations

import ast
import itertools
import re
import string
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.console import wording
from app.console.catalogue_fr import FRENCH
from app.console.i18n import Translator, negotiate
from app.domain import consent, reasons, retries, rules
from app.domain.consequences import CONSEQUENCES
from app.domain.model import (
    Action,
    Actor,
    Billing,
    DocumentStatus,
    FileState,
    FileStatus,
    LifecyclePolicy,
    Role,
)

CONSOLE = Path(__file__).resolve().parents[2] / "app" / "console"
FR = Translator("fr")
PRACTICE = uuid.uuid4()
NOW = datetime(2030, 1, 10, tzinfo=UTC)


def _states() -> list[FileState]:
    states = []
    for billing, status, users, attached in itertools.product(
        Billing, FileStatus, (0, 1, 3), (True, False)
    ):
        states.append(
            FileState(
                PRACTICE if attached else None,
                billing,
                status,
                users,
                deactivated_at=NOW - timedelta(days=1),
                hold_until=NOW + timedelta(days=30),
                hold_reason="tax audit",
                purge_after=NOW + timedelta(days=1),
            )
        )
    return states


def _refusals() -> list[rules.Refusal]:
    staff = Actor(uuid.uuid4(), Role.STAFF, PRACTICE)
    client = Actor(uuid.uuid4(), Role.CLIENT)
    policy = LifecyclePolicy(reactivation_cooldown=timedelta(days=7))
    found = []
    for state, actor, action in itertools.product(_states(), (staff, client), Action):
        refusal = rules.refusal(action, state, actor, now=NOW, policy=policy)
        found.append(refusal)
        found.append(rules.cancel_deletion_refusal(state, actor, NOW))
        found.append(retries.file_refusal(state.status, state.billing))
    found.extend(retries.document_refusal(status) for status in DocumentStatus)
    return [refusal for refusal in found if refusal is not None]


def test_every_refusal_of_the_rules_is_said_in_french() -> None:
    refusals = _refusals()
    assert {refusal.reason for refusal in refusals} >= {
        "has_client_users",
        "reactivation_cooldown",
        "retention_hold",
        "no_client_user",
        "individual_billing",
    }
    for refusal in refusals:
        french = FR.sentence(refusal.reason, refusal.message, users="2 utilisateurs", until="x")
        assert french != refusal.message, refusal


def test_every_consequence_and_document_reason_is_said_in_french() -> None:
    sentences = [line for c in CONSEQUENCES.values() for line in c.for_practice + c.for_client]
    sentences += list(reasons.SENTENCES.values())
    missing = [sentence for sentence in sentences if sentence not in FRENCH]
    assert missing == []


def _template_words() -> set[str]:
    words = set()
    for template in (CONSOLE / "templates").glob("*.html"):
        words |= {m[1] for m in re.findall(r"""\bt\(\s*(["'])(.+?)\1""", template.read_text())}
    return words


def _wording_words() -> set[str]:
    tree = ast.parse((CONSOLE / "wording.py").read_text())
    return {
        value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for value in node.values
        if isinstance(value, ast.Constant) and isinstance(value.value, str)
    } | {"1 user", "{n} users"}


def test_every_word_of_the_console_is_said_in_french() -> None:
    words = _template_words() | _wording_words()
    assert len(words) > 100
    assert sorted(word for word in words if word not in FRENCH) == []


def test_translations_keep_their_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for english, french in FRENCH.items():
        assert fields(english) == fields(french), english


def test_the_switch_wins_then_accept_language_then_english() -> None:
    assert negotiate("fr", "en-GB,en;q=0.9") == "fr"
    assert negotiate(None, "de-DE,fr;q=0.8,en;q=0.5") == "fr"
    assert negotiate(None, "en;q=0.2,fr;q=0.9") == "fr"
    assert negotiate(None, "de, es") == "en"
    assert negotiate("xx", None) == "en"


@pytest.mark.parametrize(
    ("language", "amount", "day"),
    [("en", "€1,234.50", "10 Jan 2030"), ("fr", "1\u202f234,50\xa0€", "10 janv. 2030")],
)
def test_amounts_and_dates_in_the_readers_locale(language: str, amount: str, day: str) -> None:
    t = Translator(language)
    assert t.amount("1234.5", "EUR") == amount
    assert t.day("2030-01-10") == day
    assert t.amount("not a number") == "not a number"


def test_a_sentence_the_catalogue_lacks_stays_in_english() -> None:
    assert FR.sentence("something_new", "A brand new sentence.") == "A brand new sentence."
    assert FR.sentence(None, None) is None
    assert wording.users(FR, 1) == "1 utilisateur"


def test_moments_are_written_in_the_readers_way_and_say_utc() -> None:
    moment = datetime(2030, 3, 12, 14, 5, tzinfo=UTC)
    assert Translator("en").moment(moment) == "12 Mar 2030, 14:05:00 UTC"
    assert Translator("fr").moment(moment) == "12 mars 2030, 14:05:00 UTC"
    assert Translator("fr").moment(None) == ""


def test_the_ways_in_are_said_in_french() -> None:
    from app.api.ratelimit import MESSAGES
    from app.console import signin, welcome
    from app.domain.consent import NOT_VALID, STAFF_ADDRESS

    sentences = [*welcome.WHY_NOT.values(), NOT_VALID.message, STAFF_ADDRESS.message]
    sentences += [MESSAGES["failed_auth"], MESSAGES["sign_in_links"]]
    assert [sentence for sentence in sentences if sentence not in FRENCH] == []

    url = "https://dossier.test/console/sign-in/link?token=sil_x"
    english = signin._letter_writer(Translator("en"), 15)(url, NOW)
    french = signin._letter_writer(FR, 15)(url, NOW)
    assert french.subject != english.subject
    shared = set(english.body.splitlines()) & set(french.body.splitlines())
    assert shared == {"", f"    {url}"}


def test_every_refusal_of_invitations_and_attach_requests_is_said_in_french() -> None:
    # The console shows them too: withdrawing, accepting or declining a request to attach.
    refusals = [value for value in vars(consent).values() if isinstance(value, rules.Refusal)]
    assert len(refusals) >= 6
    assert sorted(r.message for r in refusals if r.message not in FRENCH) == []


def test_every_not_found_of_the_console_is_said_in_french() -> None:
    assert FR("No such attach request.") != "No such attach request."
