"""Where an upload waits: the HTTP benchmark of `upload_intake.py` (8 clients, one
uvicorn process, PostgreSQL and Redis), with PostgreSQL's view of the same run.

    .venv/bin/python benchmarks/intake_wait.py --uploads 800

For each variant it prints uploads/s, the clients' median and 90th percentile time per
upload, the web process's CPU per upload, the CPU of the database's server processes per
upload, and what the database's sessions were doing, sampled every few milliseconds from
`pg_stat_activity` (active and waiting on what, or idle). Variants: every upload into one
client file (the benchmark's way), each client into a file of its own, and both again
with `synchronous_commit` off for the scratch database (a commit then does not wait for
its WAL to reach the disk), which tells how much of the wait is the commit's flush.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import upload_intake  # noqa: E402
from tests.support import services  # noqa: E402


def _more_files(env: dict[str, str], count: int) -> list[str]:
    script = (
        "from app.config import get_settings;"
        "from app.bootstrap import build_runtime;"
        "from app.persistence.models import Practice;"
        "from app.services import admin;"
        "from benchmarks.upload_intake import CountingDispatcher;"
        "import sqlalchemy as sa;"
        "r = build_runtime(get_settings(), CountingDispatcher());"
        "uow = r.uow();\n"
        "with uow: p = uow.session.scalars(sa.select(Practice.id)).one()\n"
        f"print(*[admin.create_client_file(r.uow(), p, f'c{{i}}') for i in range({count})])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return out.stdout.decode().split()


def _backend_cpu(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        with suppress(FileNotFoundError, ProcessLookupError):
            total += upload_intake.cpu_seconds(pid)
    return total


def _runqueue_wait(pid: int) -> float:
    """Seconds the process's threads (those alive now) spent ready to run but waiting for
    a CPU, from /proc/PID/task/*/schedstat."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(FileNotFoundError, ProcessLookupError):
            total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def _busy() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK"), sum(fields) / os.sysconf("SC_CLK_TCK")


BARE = "bare endpoint"


def _drive(
    base: str, token: str, files: list[str], uploads: int, *, tolerate: bool = False
) -> tuple[float, list[float]]:
    """Uploads per second from 8 client threads, client `n` into `files[n % len(files)]`,
    and each upload's time from request to answer. Exits on a failed upload unless
    `tolerate` (the first uploads after the database closed the pool's sessions)."""
    clients = 8
    per_client = uploads // clients
    times: list[float] = []
    failures: list[str] = []

    def client(n: int) -> None:
        url = (
            f"{base}/bench/discard"
            if files == [BARE]
            else f"{base}/v1/client-files/{files[n % len(files)]}/documents"
        )
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(per_client):
                body = {"file": ("r.txt", upload_intake._receipt(2048), "text/plain")}
                started = time.perf_counter()
                response = http.post(url, files=body)
                times.append(time.perf_counter() - started)
                if response.status_code != 202:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures and not tolerate:
        raise SystemExit(f"{len(failures)} uploads failed, first: {failures[0]}")
    return per_client * clients / (time.perf_counter() - started), times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=800)
    parser.add_argument("--port", type=int, default=8913)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--locks",
        type=int,
        metavar="N",
        help="instead: N small transactions under each lock of a parent row (no server)",
    )
    args = parser.parse_args(argv)
    if args.locks:
        with ExitStack() as scratch:
            url = scratch.enter_context(services.scratch_database("dossier_locks"))
            locks(url.replace("postgresql+psycopg", "postgresql"), args.locks)
        return
    with ExitStack() as cleanup:
        env = {**os.environ, **upload_intake.published_env(cleanup)}
        file_id, token = upload_intake._setup(env)
        own_files = _more_files(env, 8)
        dsn = env["DOSSIER_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
        database = dsn.rsplit("/", 1)[1]
        server = upload_intake._serve(env, args.port)
        base = f"http://127.0.0.1:{args.port}"
        watcher = psycopg.connect(dsn, autocommit=True)
        try:
            upload_intake._wait_for(base, server)
            _drive(base, token, [file_id], 80)
            for _ in range(args.rounds):
                _variant(args, watcher, database, server.pid, base, token, [BARE], BARE)
                for sync in ("on", "off"):
                    watcher.execute(f"ALTER DATABASE {database} SET synchronous_commit = {sync}")
                    # New sessions take the setting: the web process's pool reconnects.
                    watcher.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        (database,),
                    )
                    for name, files in (("one file", [file_id]), ("8 files", own_files)):
                        # The pool finds its sessions closed; not measured.
                        _drive(base, token, files, 16, tolerate=True)
                        _drive(base, token, files, 16)
                        _variant(
                            args,
                            watcher,
                            database,
                            server.pid,
                            base,
                            token,
                            files,
                            f"{name}, synchronous_commit {sync}",
                        )
        finally:
            watcher.execute(f"ALTER DATABASE {database} RESET synchronous_commit")
            watcher.close()
            server.terminate()
            server.wait(timeout=30)


def _variant(
    args: argparse.Namespace,
    watcher: psycopg.Connection[Any],
    database: str,
    web_pid: int,
    base: str,
    token: str,
    files: list[str],
    label: str,
) -> None:
    samples: collections.Counter[str] = collections.Counter()
    active: list[int] = []
    pids: set[int] = set()
    done = threading.Event()

    def sample() -> None:
        with psycopg.connect(watcher.info.dsn, autocommit=True) as conn:
            while not done.is_set():
                busy = 0
                for pid, state, wtype, wevent, _query in conn.execute(
                    "SELECT pid, state, wait_event_type, wait_event, left(query, 30) "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend' AND pid <> %s",
                    (database, watcher.info.backend_pid),
                ):
                    pids.add(pid)
                    if state == "active":
                        busy += 1
                        samples[f"active, {wtype or 'CPU'}:{wevent or '-'}"] += 1
                    else:
                        samples[str(state)] += 1
                active.append(busy)
                time.sleep(0.003)

    # The pool's sessions, known before the run so that their CPU can be read.
    for (pid,) in watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (database,),  # the watcher's own CPU is small and counted alike in every variant
    ):
        pids.add(pid)
    thread = threading.Thread(target=sample)
    thread.start()
    load = os.getloadavg()[0]
    web0, db0 = upload_intake.cpu_seconds(web_pid), _backend_cpu(pids)
    q0, busy0, me0 = _runqueue_wait(web_pid), _busy(), time.process_time()
    rate, times = _drive(base, token, files, args.uploads)
    web1, db1 = upload_intake.cpu_seconds(web_pid), _backend_cpu(pids)
    q1, busy1, me1 = _runqueue_wait(web_pid), _busy(), time.process_time()
    done.set()
    thread.join()
    times.sort()
    total = sum(samples.values()) or 1
    n = args.uploads
    web, db = (web1 - web0) * 1000 / n, (db1 - db0) * 1000 / n
    print(
        f"{label}: {rate:6.1f} uploads/s, per upload median {statistics.median(times) * 1000:.1f}"
        f" ms, p90 {times[int(len(times) * 0.9)] * 1000:.1f} ms; web CPU "
        f"{web:.2f} ms, database CPU {db:.2f}"
        f" ms per upload; load {load:.1f}"
    )
    print(
        f"   web process waiting for a CPU {(q1 - q0) * 1000 / n:.2f} ms per upload; driver (this"
        f" process) CPU {(me1 - me0) * 1000 / n:.2f} ms per upload; machine busy "
        f"{(busy1[0] - busy0[0]) * 100 / (busy1[1] - busy0[1]):.0f}% of its CPUs"
    )
    # Little's law: sessions busy on average / uploads per second = time in the database.
    in_db = statistics.fmean(active) / rate * 1000 if active else 0.0
    print(f"   time in the database (active sessions / rate) {in_db:.2f} ms per upload")
    print(
        "   sessions: "
        + ", ".join(f"{k} {v * 100 / total:.0f}%" for k, v in samples.most_common(8))
    )
    sys.stdout.flush()


LOCKS = {
    "FOR SHARE": "SELECT id FROM lock_parent WHERE id = %(p)s FOR SHARE",
    "FOR KEY SHARE": "SELECT id FROM lock_parent WHERE id = %(p)s FOR KEY SHARE",
    "advisory shared": "SELECT pg_advisory_xact_lock_shared(hashtext(%(p)s::text))",
    "none (the foreign key's own)": None,
}


def locks(dsn: str, transactions: int) -> None:
    """The upload's statement in small: 8 sessions each insert rows referencing one
    parent row, one transaction each, under each lock of the parent."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE lock_parent (id uuid PRIMARY KEY, status text NOT NULL);"
            "CREATE TABLE lock_child (id uuid PRIMARY KEY,"
            " parent_id uuid NOT NULL REFERENCES lock_parent, sha text NOT NULL,"
            " UNIQUE (parent_id, sha))"
        )
        parent = conn.execute(
            "INSERT INTO lock_parent VALUES (gen_random_uuid(), 'active') RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        for sync in ("on", "off"):
            for name, lock in LOCKS.items():
                conn.execute(f"SET synchronous_commit = {sync}")
                wal0 = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]

                def session(lock: str | None = lock, sync: str = sync) -> None:
                    with psycopg.connect(dsn) as own:
                        own.execute(f"SET synchronous_commit = {sync}")
                        own.commit()
                        for _ in range(transactions // 8):
                            if lock:
                                own.execute(lock, {"p": parent})
                            own.execute(
                                "INSERT INTO lock_child SELECT gen_random_uuid(), id, "
                                "md5(random()::text) FROM lock_parent WHERE id = %(p)s "
                                "AND status <> 'deleting'",
                                {"p": parent},
                            )
                            own.commit()

                threads = [threading.Thread(target=session) for _ in range(8)]
                load = os.getloadavg()[0]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                rate = transactions // 8 * 8 / (time.perf_counter() - started)
                wal = conn.execute(
                    "SELECT pg_current_wal_lsn() - %s::pg_lsn", (str(wal0),)
                ).fetchone()[0]  # type: ignore[index]
                print(
                    f"synchronous_commit {sync}, {name}: {rate:6.0f} transactions/s, "
                    f"{int(wal) / transactions:.0f} bytes of WAL each, load {load:.1f}"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
