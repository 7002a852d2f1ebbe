"""The people chapters of the demo, over the HTTP API: a practice invites its client, the
client accepts and signs in with their own token, the practice detaches the file, and the
client asks another practice to take it, which accepts."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
from rich.table import Table

from app.demo.http import client, serving
from app.demo.samples import Sample
from app.demo.steps import DemoFailure, Steps
from app.persistence.mail import Outbox
from app.services import admin, messages, tokens

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MOREAU, HUGO = "Cabinet Moreau", "hugo@cabinet-moreau.example"


class PeopleSteps(Steps):
    """Steps over HTTP; `exchanges` keeps each request and its answer for the tables."""

    exchanges: list[tuple[str, str, str]]

    def call(
        self, api: httpx.Client, who: str, method: str, path: str, expected: int, **body: Any
    ) -> dict[str, Any]:
        response = api.request(method, path, json=body or None)
        self.expect(
            response.status_code == expected,
            f"{method} {path} as {who} answered {response.status_code}, not {expected}: "
            f"{response.text[:300]}",
        )
        answer: dict[str, Any] = response.json()
        shown = answer.get("status") or answer.get("error", {}).get("code") or "ok"
        named = path.replace(str(self.garage), "{file}")
        request = f"{method} {UUID.sub('{id}', named)}"
        self.exchanges.append((who, request, f"{response.status_code} {shown}"))
        return answer

    def exchanges_table(self, title: str) -> Table:
        table = Table(title=title, title_justify="left")
        for column in ("Who", "Request", "Answer"):
            table.add_column(column)
        for row in self.exchanges:
            table.add_row(*row)
        self.exchanges = []
        return table

    def mail_kinds(self, address: str) -> list[str]:
        with self.uow() as uow:
            return [item.kind for item in Outbox(uow.session).latest(20, address)]

    def upload_unpaid(self, name: str, user_id: uuid.UUID, sample: Sample) -> None:
        """With no plan, what the client adds is kept but not extracted."""
        unpaid = self.upload(name, user_id, sample)
        self.expect_statuses(self.settle([unpaid], "the client's upload"), "skipped", "it")
        self.expect_reasons([unpaid], "no_subscription")

    def wait_for_job(self, api: httpx.Client, job_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            job: dict[str, Any] = api.get(f"/v1/lifecycle-jobs/{job_id}").json()
            if job.get("status") in ("done", "refused"):
                return job
            time.sleep(0.1)
        raise DemoFailure(f"the job {job_id} did not finish within {self.timeout:.0f} s")

    def over_the_api(
        self, garage: str, paul: str, refuse_delete: str, after_detach: Sample
    ) -> uuid.UUID:
        """The whole people story for the file `garage`; returns Paul's user id."""
        self.garage = self.files[garage]
        self.exchanges = []
        claire_token = tokens.issue(self.uow(), self.staff, "demo").secret
        with serving(self.runtime) as url, client(url, claire_token) as claire:
            paul_id, paul_token = self._invited(url, claire, garage, paul, refuse_delete)
            with client(url, paul_token) as paul_api:
                self._detached(claire, paul_api, garage, paul)
                self.upload_unpaid(garage, paul_id, after_detach)
                self._taken_by_another_practice(url, paul_api, garage, paul)
        return paul_id

    def _invited(
        self, url: str, claire: httpx.Client, garage: str, paul: str, refuse_delete: str
    ) -> tuple[uuid.UUID, str]:
        base = f"/v1/client-files/{self.garage}"
        invited = self.call(claire, "Claire", "POST", f"{base}/invitations", 201, email=paul)
        self.expect(invited["status"] == "pending", "the invitation is not pending")
        with client(url) as anonymous:
            welcome = self.call(
                anonymous,
                "Paul",
                "POST",
                "/v1/invitations/accept",
                201,
                token=self.invitation_code(paul),
            )
        with client(url, welcome["token"]) as paul_api:
            listed = self.call(paul_api, "Paul", "GET", "/v1/client-files", 200)
        names = [item["name"] for item in listed["items"]]
        self.expect(names == [garage], f"Paul sees {names}, not [{garage}]")
        self.refused(messages.DELETE, garage, refuse_delete)
        self.show(self.exchanges_table(f"Paul is invited to {garage} and signs in"))
        return uuid.UUID(welcome["user_id"]), str(welcome["token"])

    def _detached(
        self, claire: httpx.Client, paul_api: httpx.Client, garage: str, paul: str
    ) -> None:
        base = f"/v1/client-files/{self.garage}"
        job = self.call(claire, "Claire", "POST", f"{base}/detach", 202)
        finished = self.wait_for_job(claire, job["id"])
        self.expect(finished["status"] == "done", f"detach ended {finished['status']}")
        self.call(claire, "Claire", "GET", base, 404)
        kept = self.call(paul_api, "Paul", "GET", base, 200)
        self.expect(kept["billing"] == "none", f"the detached file is billed {kept['billing']}")
        told = self.mail_kinds(paul)
        self.expect("detach" in told, f"Paul was not told of the detach ({told})")
        self.show(self.exchanges_table(f"{garage} is detached; Paul keeps it and is told by mail"))

    def _taken_by_another_practice(
        self, url: str, paul_api: httpx.Client, garage: str, paul: str
    ) -> None:
        moreau = admin.create_practice(self.uow(), MOREAU)
        hugo = admin.create_staff_user(self.uow(), moreau, "Hugo Moreau", HUGO)
        base = f"/v1/client-files/{self.garage}"
        with client(url, tokens.issue(self.uow(), hugo, "demo").secret) as hugo_api:
            asked = self.call(paul_api, "Paul", "POST", f"{base}/attach", 202, practice_email=HUGO)
            incoming = self.call(hugo_api, "Hugo", "GET", "/v1/attach-requests", 200)["items"]
            seen = [(item["client_file_name"], item["requested_by"]) for item in incoming]
            self.expect(seen == [(garage, paul)], f"{MOREAU} sees the requests {seen}")
            self.call(hugo_api, "Hugo", "GET", base, 404)
            self.call(hugo_api, "Hugo", "POST", f"/v1/attach-requests/{asked['id']}/accept", 200)
            taken = self.call(hugo_api, "Hugo", "GET", base, 200)
            jobs = self.call(hugo_api, "Hugo", "GET", f"{base}/jobs", 200)["items"]
        self.expect(taken["billing"] == "practice", f"{MOREAU} has it billed {taken['billing']}")
        former = {job["action"] for job in jobs} & {"detach", "invite_client_user"}
        self.expect(not former, f"{MOREAU} sees the former practice's jobs {former}")
        self.show(self.exchanges_table(f"Paul asks {MOREAU} to take {garage}; it accepts"))
