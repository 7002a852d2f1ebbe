"""The demo's story: one practice, four client files, and the lifecycle changes a practice
makes over a season, each step checked against what the rules say must happen."""

from __future__ import annotations

from datetime import timedelta

from app.demo.consent import MOREAU, PeopleSteps
from app.demo.einvoices import FACTURX_FIELDS, UBL_FIELDS, facturx_invoice, ubl_invoice
from app.demo.samples import Sample, invoice, receipt
from app.demo.tables import (
    einvoice_table,
    events_table,
    files_table,
    footprint_table,
    jobs_table,
    menu_table,
    refusals_table,
)
from app.domain.model import Action, FileStatus
from app.persistence.models import utcnow
from app.services import admin, messages, queries, sweeper

PRACTICE = "Cabinet Lefèvre"
BAKERY, GARAGE, CAFE, STUDIO = (
    "Boulangerie Martin",
    "Garage Dupont",
    "Café du Port",
    "Studio Lumière",
)
PAUL, INES = "paul@garage-dupont.example", "ines@studio-lumiere.example"

FIRST_DOCUMENTS: dict[str, list[Sample]] = {
    BAKERY: [
        invoice("Minoterie Girard", "MG-2024-0311", "2024-11-04", "412.80", "21.51"),
        receipt("Metro Cash Carry", "2024-11-06", [("Butter 10 kg", "89.90")], "89.90"),
    ],
    GARAGE: [
        invoice("Pieces Auto Pro", "PAP-88121", "2024-10-28", "1,236.00", "206.00"),
        receipt("Station Relais", "2024-11-02", [("Diesel 52 L", "91.26")], "91.26"),
    ],
    CAFE: [
        invoice("Brasserie du Nord", "BN-5530", "2024-11-01", "684.00", "114.00"),
        receipt("Primeur Dubois", "2024-11-05", [("Lemons 5 kg", "14.50")], "14.50"),
    ],
    STUDIO: [invoice("Photo Materiel SARL", "PM-7781", "2024-10-30", "2,399.00", "399.83")],
}
OFF_SEASON = [
    invoice("Minoterie Girard", "MG-2024-0340", "2024-12-02", "398.10", "20.75"),
    receipt("Metro Cash Carry", "2024-12-03", [("Sugar 25 kg", "31.40")], "31.40"),
    receipt("Metro Cash Carry", "2024-12-19", [("Yeast 5 kg", "22.60")], "22.60"),
]
BACK_IN_SEASON = receipt("Metro Cash Carry", "2025-01-07", [("Flour 50 kg", "47.00")], "47.00")
LOST_IN_REDIS = invoice("Photo Materiel SARL", "PM-7802", "2024-11-21", "189.00", "31.50")
AFTER_DETACH = receipt("Station Relais", "2024-12-01", [("Tyres x4", "356.00")], "356.00")


class Story(PeopleSteps):
    def tell(self) -> None:
        self.open_practice()
        self.first_documents()
        self.einvoices()
        self.deactivate_bakery()
        self.reactivate_bakery()
        self.sweeper_recovers_a_lost_message()
        self.detach_garage()
        self.studio_takes_its_own_plan()
        self.refused_actions()
        self.delete_cafe()
        self.audit_trail()

    def open_practice(self) -> None:
        self.chapter(
            "A practice and its client files",
            f"{PRACTICE} keeps the books of four small businesses; each is a client file "
            "included in the practice's subscription.",
        )
        self.practice = admin.create_practice(self.uow(), PRACTICE)
        self.staff = admin.create_staff_user(
            self.uow(), self.practice, "Claire Lefèvre", "claire@cabinet-lefevre.example"
        )
        for name in (BAKERY, GARAGE, CAFE, STUDIO):
            self.files[name] = admin.create_client_file(self.uow(), self.practice, name)
        active = self.my_clients()
        self.expect(len(active) == 4, f"My clients lists {len(active)} files, not 4")
        self.show(files_table(f"{PRACTICE}, My clients: active", active))

    def first_documents(self) -> None:
        self.chapter(
            "Receipts and invoices arrive and are extracted",
            "Claire uploads invoices (PDF) and till receipts (plain text). The gatekeeper "
            "lets each through and the Celery worker reads it.",
        )
        uploaded = [
            (name, self.upload(name, self.staff, sample))
            for name, samples in FIRST_DOCUMENTS.items()
            for sample in samples
        ]
        statuses = self.settle([document for _, document in uploaded], "the first uploads")
        self.expect_statuses(statuses, "extracted", "the first uploads")
        self.show(self.documents("Extracted by the worker", uploaded))

    def einvoices(self) -> None:
        self.chapter(
            "E-invoices are read exactly from their XML",
            f"{STUDIO} receives a Factur-X PDF (the invoice's CII XML inside the PDF) and a "
            "UBL invoice delivered as XML. Their fields, lines and VAT breakdown come from "
            "the XML, not from reading the page; the Factur-X page is still read and "
            "compared with its XML.",
        )
        pdf = self.upload(STUDIO, self.staff, facturx_invoice())
        xml = self.upload(STUDIO, self.staff, ubl_invoice())
        statuses = self.settle([pdf, xml], "the e-invoices")
        self.expect_statuses(statuses, "extracted", "the e-invoices")
        views = [
            self.expect_read(pdf, "einvoice/factur-x", FACTURX_FIELDS),
            self.expect_read(xml, "einvoice/ubl", UBL_FIELDS),
        ]
        self.show(self.documents("Read from the XML", [(STUDIO, pdf), (STUDIO, xml)]))
        for view in views:
            self.show(einvoice_table(view))

    def deactivate_bakery(self) -> None:
        self.chapter(
            f"{BAKERY} is deactivated for the off-season",
            "Two documents are still waiting in the gate queue when Claire deactivates the "
            "file (the demo holds the worker off that queue); a third arrives afterwards.",
        )
        with self.paused("gate"):
            waiting = [self.upload(BAKERY, self.staff, sample) for sample in OFF_SEASON[:2]]
            job = self.run_task(messages.DEACTIVATE, BAKERY, self.staff)
        self.expect_done(job, "deactivate")
        purged = (job.counts.get("documents_skipped"), job.counts.get("tasks_revoked"))
        self.expect(purged == (2, 2), f"the purge skipped and revoked {purged}, not (2, 2)")
        self.held = [*waiting, self.upload(BAKERY, self.staff, OFF_SEASON[2])]
        statuses = self.settle(self.held, "uploads to the deactivated file")
        self.expect_statuses(statuses, "skipped", "uploads to the deactivated file")
        self.expect_reasons(self.held, "client_file_deactivated")
        active = {view.name for view in self.my_clients()}
        deactivated = self.my_clients(FileStatus.DEACTIVATED)
        self.expect(BAKERY not in active, f"{BAKERY} is still in the active list")
        self.expect([v.name for v in deactivated] == [BAKERY], "the deactivated list is wrong")
        self.show(jobs_table("Lifecycle task", [(f"deactivate {BAKERY}", job)]))
        self.show(files_table(f"{PRACTICE}, My clients: deactivated", deactivated))
        rows = [(BAKERY, document) for document in self.in_file(BAKERY)]
        self.show(self.documents("Documents are stored, not extracted", rows))
        options = queries.available_actions(self.uow(), self.actor(self.staff), self.files[BAKERY])
        self.show(menu_table(BAKERY, options))

    def reactivate_bakery(self) -> None:
        self.chapter(
            f"{BAKERY} is reactivated; the held documents are sent again",
            "Back in season: Claire reactivates the file and asks for the documents held "
            "while it was deactivated to be sent again (reprocess_skipped).",
        )
        job = self.run_task(messages.REACTIVATE, BAKERY, self.staff, reprocess_skipped=True)
        self.expect_done(job, "reactivate")
        resent, held = job.counts.get("documents_resent"), len(self.held)
        self.expect(resent == held, f"reactivate re-sent {resent} documents, not {held}")
        fresh = self.upload(BAKERY, self.staff, BACK_IN_SEASON)
        statuses = self.settle([*self.held, fresh], "documents after reactivation")
        self.expect_statuses(statuses, "extracted", "documents after reactivation")
        request = f"reactivate {BAKERY} (reprocess_skipped=true)"
        self.show(jobs_table("Lifecycle task", [(request, job)]))
        rows = [(BAKERY, document) for document in self.in_file(BAKERY)]
        self.show(self.documents("Extraction works again", rows))

    def sweeper_recovers_a_lost_message(self) -> None:
        self.chapter(
            "Redis loses a message; the sweeper sends it again",
            f"An invoice for {STUDIO} is stored, but its gate message vanishes from Redis, as "
            "after a restart without persistence. Beat's sweeper finds the document untouched "
            "for too long and re-sends it (the demo runs that sweep with its clock moved "
            "forward rather than wait).",
        )
        with self.paused("gate"):
            lost = self.upload(STUDIO, self.staff, LOST_IN_REDIS)
            dropped = self.lose_messages("gate")
        self.expect(dropped == 1, f"{dropped} messages were lost from the gate queue, not 1")
        settings = self.runtime.settings
        stale_after = timedelta(seconds=settings.sweep_stale_after_seconds)
        later = utcnow() + stale_after + timedelta(seconds=1)
        report = sweeper.sweep(
            self.uow(), stale_after=stale_after, batch_size=settings.sweep_batch_size, now=later
        )
        self.expect(report.documents_resent == 1, f"the sweep re-sent {report.documents_resent}")
        statuses = self.settle([lost], "the re-sent document")
        self.expect_statuses(statuses, "extracted", "the re-sent document")
        self.console.print(
            f"Gate messages lost: {dropped}. "
            f"Sweep {stale_after.total_seconds() / 60:.0f} minutes later: "
            f"{report.documents_resent} document re-sent, "
            f"{report.deletions_resumed} deletions resumed."
        )
        self.show(self.documents("Nothing lost", [(STUDIO, lost)]))

    def detach_garage(self) -> None:
        self.chapter(
            f"{GARAGE} leaves the practice for another, over the API",
            "Claire invites Paul, the garage's owner; Paul reads the invitation mail, accepts "
            "and signs in with his own token. From then on the file can no longer be deleted, "
            "only detached. Claire detaches it: she cannot even see it any more; Paul keeps it "
            "and every document, is told by mail, and with no plan what he adds is not "
            f"extracted. Paul then asks {MOREAU} to take the file by the address it gave him; "
            f"{MOREAU} sees who asks, not the file, until it accepts.",
        )
        paul = self.over_the_api(GARAGE, PAUL, "has_client_users", AFTER_DETACH)
        listed = {view.name for view in self.my_clients()}
        self.expect(GARAGE not in listed, f"{GARAGE} is still in the practice's list")
        self.show(files_table(f"{PRACTICE}, My clients: active", self.my_clients()))
        pauls_files = queries.list_files(self.uow(), self.actor(paul), FileStatus.ACTIVE)
        self.show(files_table(f"The files Paul ({GARAGE}) sees", pauls_files))

    def studio_takes_its_own_plan(self) -> None:
        self.chapter(
            f"{STUDIO} takes its own subscription and comes back",
            "Inès is invited and accepts, the practice detaches the file, Inès takes her own "
            f"plan and asks {PRACTICE} to take the file again; it accepts and now sees it "
            "billed to the client.",
        )
        ines = self.invite_and_accept(STUDIO, INES)
        steps = [
            (f"detach {STUDIO} (practice)", self.run_task(messages.DETACH, STUDIO, self.staff)),
            ("subscribe to own plan (client)", self.change(Action.SUBSCRIBE, STUDIO, ines)),
            (
                f"attach to {PRACTICE} (client asks, practice accepts)",
                self.attach_by_request(STUDIO, ines, self.staff),
            ),
        ]
        for request, job in steps:
            self.expect_done(job, request)
        billing = self.staff_view(STUDIO).billing
        self.expect(billing == "individual", f"{STUDIO} is billed {billing}, not individual")
        self.show(jobs_table("Lifecycle", steps))
        self.show(files_table(f"{PRACTICE}, My clients: active", self.my_clients()))

    def refused_actions(self) -> None:
        self.chapter(
            "Refused actions say why, and change nothing",
            "Each request went to its Celery task like any other; the job records the "
            "refusal and the file is unchanged.",
        )
        before = self.my_clients()
        self.refused(messages.DETACH, CAFE, "no_client_user")
        self.refused(messages.DEACTIVATE, STUDIO, "individual_billing")
        self.refused(messages.DELETE, STUDIO, "individual_billing")
        self.refused(messages.REACTIVATE, BAKERY, "not_deactivated")
        self.expect(self.my_clients() == before, "a refused action changed a client file")
        self.show(refusals_table(self.refusals))

    def delete_cafe(self) -> None:
        self.chapter(
            f"{CAFE} is deleted: every row and blob goes, the audit stays",
            "Nobody at the café has access, so the practice may delete the file. The "
            "deletion runs in batches; afterwards only the audit event remains.",
        )
        before = self.footprint(CAFE)
        job = self.run_task(messages.DELETE, CAFE, self.staff)
        self.expect_done(job, "delete")
        after = self.footprint(CAFE)
        self.expect(after == (0, 0, 0), f"after the delete {after} (file, documents, blobs) remain")
        self.staff_opens_nothing(CAFE)
        self.show(jobs_table("Lifecycle task", [(f"delete {CAFE}", job)]))
        self.show(footprint_table(CAFE, before, after))

    def audit_trail(self) -> None:
        self.chapter(
            "The audit trail",
            "Every change left an append-only event: who, from which state to which, and "
            "what it did. The deleted file's events are still here.",
        )
        with self.uow() as uow:
            events = [
                (name, event.action, event.from_state, event.to_state, event.counts)
                for name, file_id in self.files.items()
                for event in uow.lifecycle.events_for(file_id)
            ]
        deleted = [
            counts for name, action, _, _, counts in events if (name, action) == (CAFE, "delete")
        ]
        self.expect(len(deleted) == 1, f"{len(deleted)} audit events for the deletion, not 1")
        gone = (deleted[0].get("documents_deleted"), deleted[0].get("blobs_deleted"))
        self.expect(gone == (2, 2), f"the audit counts {gone} documents and blobs, not (2, 2)")
        self.show(events_table(events))
