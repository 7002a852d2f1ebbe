"""Upload intake of two versions of Dossier in one run: this checkout's upload endpoint and
another checkout's (e.g. `main`), beside the bare endpoint, measured in turn.

    git archive main | tar -x -C /tmp/dossier-main
    .venv/bin/python benchmarks/intake_before_after.py --against /tmp/dossier-main

Two uvicorn servers, one per checkout, share one scratch PostgreSQL database (the schema
of both must match), one token, one client file and one Redis key prefix; no worker runs.
Rounds of `benchmarks/upload_intake.py`'s driver (8 clients, 400 uploads of 2 KiB) go to
the bare endpoint, then this checkout, then the other, so that load from elsewhere falls
on all three alike. Prints each round's ratios to the bare endpoint and their medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import upload_intake  # noqa: E402


def _serve(env: dict[str, str], port: int, root: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.upload_intake:bench_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env={**env, "PYTHONPATH": str(root)}, cwd=root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--port", type=int, default=8961, help="this one's; the other's +1")
    args = parser.parse_args()
    with ExitStack() as cleanup:
        env = {**os.environ, **upload_intake.published_env(cleanup)}
        file_id, token = upload_intake._setup(env)
        servers = [_serve(env, args.port, ROOT), _serve(env, args.port + 1, args.against)]
        for server in servers:
            cleanup.callback(server.wait, timeout=30)
            cleanup.callback(server.terminate)
        bases = [f"http://127.0.0.1:{args.port + n}" for n in (0, 1)]
        for base, server in zip(bases, servers, strict=True):
            upload_intake._wait_for(base, server)
        upload_path = f"/v1/client-files/{file_id}/documents"

        def run(n: int, path: str, uploads: int = 400) -> tuple[float, float]:
            return upload_intake.measured(
                servers[n].pid,
                lambda: upload_intake._drive(bases[n] + path, token, 8, uploads, 2048),
                uploads,
            )

        run(0, "/bench/discard", upload_intake.WARMUP)
        for n in (0, 1):
            run(n, upload_path, upload_intake.WARMUP)
        rounds = []
        for n in range(1, args.rounds + 1):
            (bare, bare_cpu), (this, this_cpu), (other, other_cpu) = (
                run(0, "/bench/discard"),
                run(0, upload_path),
                run(1, upload_path),
            )
            rounds.append((this / bare, other / bare, bare_cpu, this_cpu, other_cpu))
            load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
            print(
                f"round {n}: bare {bare:6.1f}/s, this {this:6.1f}/s ({this / bare:.2f}x), "
                f"other {other:6.1f}/s ({other / bare:.2f}x); web CPU per upload: bare "
                f"{bare_cpu:.2f} ms, this {this_cpu:.2f} ms, other {other_cpu:.2f} ms; "
                f"load {load}",
                flush=True,
            )
    print(f"median ratio, this checkout:  {statistics.median(r[0] for r in rounds):.2f}")
    print(f"median ratio, other checkout: {statistics.median(r[1] for r in rounds):.2f}")
    print(
        "median web CPU per upload: "
        f"bare {statistics.median(r[2] for r in rounds):.2f} ms, "
        f"this {statistics.median(r[3] for r in rounds):.2f} ms, "
        f"other {statistics.median(r[4] for r in rounds):.2f} ms"
    )


if __name__ == "__main__":
    main()
