"""The seed article's story in the browser, in English and in French: sign in with a link
mailed through the outbox, upload, deactivate (the next upload is skipped), reactivate,
invite (the client accepts from the mail's link, in a browser of their own), detach (the
practice no longer sees the file), delete. Each main page is screenshotted and checked by
axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.console.i18n import Translator
from app.domain.reasons import SENTENCES
from app.persistence.mail import Outbox
from app.services import admin
from tests.e2e.conftest import Deployment
from tests.unit.extraction.samples import INVOICE_LINES, pdf_bytes

pytestmark = pytest.mark.integration
SETTLE_MS = 30_000
# Words and amounts as each language writes them, spelled out here, not read from the
# catalogue the console uses.
# The links mail carries, as a person would click them: the path and query only (the
# mail names DOSSIER_PUBLIC_URL; the test's server listens on a port of its own).
SIGN_IN_LINK = re.compile(r"https?://[^/\s]+(/console/sign-in/link\?\S+)")
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/console/invitations/accept\?code=\S+)")
IN_WORDS = {
    "en": {
        "skipped": "Skipped",
        "done": "Done",
        "total": "€12.40",
        "day": "12 Mar 2030",
        "link_sent": "a sign-in link is on its way",
        "welcome": "Welcome",
    },
    "fr": {
        "skipped": "Ignoré",
        "done": "Terminé",
        "total": "12,40\xa0€",
        "day": "12 mars 2030",
        "link_sent": "un lien de connexion vient d'y être envoyé",
        "welcome": "Bienvenue",
    },
}


def mailed_link(served: Deployment, kind: str, address: str, pattern: re.Pattern[str]) -> str:
    """The link in the latest mail of `kind` sent to `address`, read from the outbox."""
    with served.runtime.uow() as uow:
        letters = [
            letter for letter in Outbox(uow.session).latest(50, address) if letter.kind == kind
        ]
        found = pattern.search(letters[0].body) if letters else None
    assert found is not None, f"no {kind} mailed to {address}"
    return found.group(1)


def receipt(name: str, total: str) -> dict[str, Any]:
    text = f"Boulangerie du Port\nTicket {name}\n12/03/2030\nTotal TTC {total} EUR\n"
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode()}


def invoice() -> dict[str, Any]:
    return {
        "name": "invoice.pdf",
        "mimeType": "application/pdf",
        "buffer": pdf_bytes([INVOICE_LINES]),
    }


class Visit:
    """One person's tab, in one language, keeping screenshots and axe results."""

    def __init__(self, page: Any, served: Deployment, language: str, artefacts: Path) -> None:
        self.page, self.served, self.language = page, served, language
        self.t, self.artefacts = Translator(language), artefacts

    def goto(self, path: str) -> Any:
        return self.page.goto(f"{self.served.base_url}{path}")

    def check(self, name: str) -> None:
        """Screenshot, then axe-core's WCAG A/AA rules: no violation allowed."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.screenshot(
            path=str(self.artefacts / f"{self.language}-{name}.png"), full_page=True
        )
        results = Axe().run(self.page, options={"runOnly": ["wcag2a", "wcag2aa"]})
        assert results.violations_count == 0, results.generate_report()

    def sign_in_by_mail(self, address: str) -> None:
        """Ask for a link, open it from the outbox, click to sign in."""
        from playwright.sync_api import expect

        self.goto("/console/sign-in")
        self.check("sign-in")
        self.page.get_by_label(self.t("E-mail address")).fill(address)
        self.page.get_by_role("button", name=self.t("Send me a sign-in link")).click()
        expect(self.page.get_by_role("status")).to_contain_text(
            IN_WORDS[self.language]["link_sent"]
        )
        self.goto(mailed_link(self.served, "sign_in_link", address, SIGN_IN_LINK))
        self.page.get_by_role("button", name=self.t("Sign in")).click()
        self.page.wait_for_url("**/console/clients")

    def upload(self, *files: dict[str, Any]) -> None:
        with self.page.expect_navigation():  # the page reloads once every file is sent
            self.page.set_input_files("#files", files=list(files))

    def document(self, name: str) -> Any:
        return self.page.locator("tr[data-document]", has_text=name)

    def act(self, path: str, action: str, button: str, **fill: str) -> None:
        """Open the Manage menu, the action's dialog, fill it and confirm."""
        self.goto(path)
        self.page.get_by_role("link", name=f"{self.t(action)}…").click()
        dialog = self.page.locator("dialog[open]")
        for label, value in fill.items():
            dialog.get_by_label(self.t(label)).fill(value)
        dialog.get_by_role("button", name=self.t(button)).click()

    def job_done(self) -> None:
        from playwright.sync_api import expect

        # The page polls the job until it is finished (the strict CSP forbids evaluating
        # strings in the page, so the test watches the attribute the script sets).
        job = self.page.locator("#job")
        expect(job).to_have_attribute("data-finished", "true", timeout=SETTLE_MS)
        expect(job.locator("[data-role=status]")).to_have_text(self.t("Done"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_articles_story(
    served: Deployment, chromium: Any, artefacts: Path, language: str
) -> None:
    from playwright.sync_api import expect

    practice_id, _ = served.practice(f"Cabinet Lefèvre {language}")
    bakery = admin.create_client_file(served.runtime.uow(), practice_id, f"Boulangerie {language}")
    florist = admin.create_client_file(served.runtime.uow(), practice_id, f"Fleuriste {language}")
    # A reader far from UTC: the page writes its times in the browser's zone.
    locale = "fr-FR" if language == "fr" else "en-GB"
    context = chromium.new_context(locale=locale, timezone_id="America/Montreal")
    visit = Visit(context.new_page(), served, language, artefacts)
    t = visit.t
    words = IN_WORDS[language]
    try:
        visit.sign_in_by_mail(served.staff_email(practice_id))
        expect(visit.page.locator("html")).to_have_attribute("lang", language)
        visit.check("clients")

        # Upload: many files at once, each with its progress; all extracted, their fields
        # in the reader's way of writing amounts and dates, the PDF's first page previewed.
        visit.goto(f"/console/files/{bakery}")
        visit.upload(receipt("ticket-1.txt", "12.40"), receipt("ticket-2.txt", "8.10"), invoice())
        for name in ("ticket-1.txt", "ticket-2.txt", "invoice.pdf"):
            expect(visit.document(name)).to_have_attribute(
                "data-status", "extracted", timeout=SETTLE_MS
            )
        visit.page.wait_for_load_state()  # drawn again once all settled, with the fields
        expect(visit.document("ticket-1.txt")).to_contain_text(words["total"])
        expect(visit.document("ticket-1.txt")).to_contain_text(words["day"])
        preview = visit.document("invoice.pdf").get_by_role("img")
        expect(preview).to_have_js_property("complete", True)
        assert preview.evaluate("image => image.naturalWidth") > 0
        received = visit.document("invoice.pdf").locator("time")
        expect(received).to_have_attribute("data-zone", "local")
        expect(received).to_have_attribute("title", re.compile(r" UTC$"))
        expect(received).not_to_have_text(re.compile(r"UTC$"))
        visit.check("file")

        # Deactivate: the menu says what it means, the job is followed to its end.
        visit.goto(f"/console/files/{bakery}/manage")
        visit.check("manage")
        visit.page.get_by_role("link", name=f"{t('Deactivate')}…").click()
        visit.check("confirm-deactivate")
        visit.page.locator("dialog[open]").get_by_role(
            "button", name=t("Deactivate the file")
        ).click()
        visit.job_done()
        visit.check("job")

        # The upload after it is stored but skipped, with the reason.
        visit.goto(f"/console/files/{bakery}")
        visit.upload(receipt("ticket-3.txt", "3.20"))
        third = visit.document("ticket-3.txt")
        expect(third).to_have_attribute("data-status", "skipped", timeout=SETTLE_MS)
        expect(third).to_contain_text(words["skipped"])
        expect(third).to_contain_text(t(SENTENCES["client_file_deactivated"]))

        visit.act(f"/console/files/{bakery}/manage", "Reactivate", "Reactivate the file")
        visit.job_done()

        visit.act(
            f"/console/files/{bakery}/manage",
            "Invite a client user",
            "Invite",
            **{"E-mail address": f"paul.{language}@boulangerie.example"},
        )
        expect(visit.page.get_by_role("status")).to_contain_text(
            t("The invitation was sent; the person gets access once they accept it.")
        )
        # Paul accepts from his mail's link, in his own browser: he is signed in and sees
        # the file. Detach needs an accepted client user.
        paul = Visit(
            context.browser.new_context(locale=locale).new_page(), served, language, artefacts
        )
        try:
            address = f"paul.{language}@boulangerie.example"
            paul.goto(mailed_link(served, "invitation", address, INVITATION_LINK))
            paul.check("invitation")
            paul.page.get_by_role("button", name=t("Accept the invitation")).click()
            expect(paul.page.get_by_role("heading", level=1)).to_have_text(words["welcome"])
            paul.check("welcome")
            paul.page.get_by_role("link", name=t("Open the file")).click()
            expect(paul.page.get_by_role("heading", level=1)).to_have_text(
                f"Boulangerie {language}"
            )
        finally:
            paul.page.context.close()

        # Detach: the practice no longer sees the file.
        visit.act(f"/console/files/{bakery}/manage", "Detach", "Detach the file")
        visit.job_done()
        visit.page.locator("#job [data-role=next]").click()
        visit.page.wait_for_url("**/console/clients")
        expect(visit.page.locator("main")).not_to_contain_text(f"Boulangerie {language}")
        assert visit.goto(f"/console/files/{bakery}").status == 404

        # Delete: the button waits for the client's name.
        visit.goto(f"/console/files/{florist}/manage")
        visit.page.get_by_role("link", name=f"{t('Delete')}…").click()
        dialog = visit.page.locator("dialog[open]")
        confirm = dialog.get_by_role("button", name=t("Delete the file"))
        expect(confirm).to_be_disabled()
        dialog.get_by_role("textbox").fill(f"Fleuriste {language}")
        visit.check("confirm-delete")
        confirm.click()
        visit.job_done()
        assert words["done"] == t("Done")
        visit.goto("/console/clients")
        expect(visit.page.locator("main")).not_to_contain_text(f"Fleuriste {language}")
    finally:
        context.close()
