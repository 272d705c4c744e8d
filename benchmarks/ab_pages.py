"""Old code and new, alternately, on one database: the pages of ``make bench`` timed against two
checkouts (issue 17, "make bench figures are no worse"; docs/performance.md).

    DATABASE_URL=postgres://…/portal_bench_ab .venv/bin/python -m benchmarks.ab_pages \\
        --old /path/to/old-checkout --new . --rounds 3 --out var/bench/ab.json

Each checkout gets its own gunicorn (4 sync workers, ``benchmarks.settings``: production's
settings with the ``X-Bench-Queries`` header), started from that checkout's directory on its own
port, against the same database; both stay up for the whole run. The subjects are the bench's
(``--subjects``, the JSON ``seed_scale`` wrote), signed in once with sessions as
``benchmarks.subjects`` writes them (one secret key for both servers, so both accept them). Each
round measures every page on both servers, one after the other, the first server alternating
from round to round (OLD, NEW in odd rounds, NEW, OLD in even ones), so a drift of the machine's
load falls on both. A page is measured as ``make bench`` measures it (benchmarks.load.measure:
warm-up requests, then ``--requests`` timed ones). ``--old-env NAME=VALUE`` adds to the old
server's environment (e.g. ``PGOPTIONS=-c search_path=abold,public`` for a schema the old code
needs).

This module measures; it never changes what ``make bench`` measures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.stats import percentile
from benchmarks.web import HOST, Client, Gunicorn

TASK_LINK = r'href="/work/tasks/(\d+)/"'
OWN_APPLICATION = r'href="/applications/(\d+)/"'


class CheckoutGunicorn(Gunicorn):
    """``gunicorn portal.wsgi`` of another checkout: run from its directory, importing its code."""

    def __init__(self, checkout: Path, *, env: dict, log_path: str):
        super().__init__(workers=4, env=env, log_path=log_path)
        self.checkout = checkout
        self.env["PYTHONPATH"] = str(checkout)

    def __enter__(self) -> CheckoutGunicorn:
        self.log = open(self.log_path, "wb")
        gunicorn = self.checkout / ".venv" / "bin" / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                str(gunicorn),
                "portal.wsgi",
                "--chdir",
                str(self.checkout),
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "300",
                "--backlog",
                "256",
            ],
            cwd=self.checkout,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        probe = Client(self.port, timeout=5)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if probe.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 90 s; see {self.log_path}")


def timed(client: Client, path: str, check, *, requests: int, warm_up: int) -> dict:
    """``benchmarks.load.measure``'s requests: the first checked, warm-up, then the timed ones."""
    check(client.get(path))
    for _ in range(warm_up - 1):
        client.get(path)
    samples, queries = [], []
    for _ in range(requests):
        reply = client.get(path)
        check(reply)
        samples.append(reply.ms)
        if reply.queries is not None:
            queries.append(reply.queries)
    return {"samples_ms": samples, "queries": max(queries) if queries else None}


def pages_of(port: int, cookies: dict) -> list[tuple[str, str, str, object]]:
    """The measured pages as ``make bench`` opens them (benchmarks.load.measure_pages): name, role,
    path, check; the paths that depend on a page's links are read from this server's pages."""
    from benchmarks.load import expect, expect_rows, queue_page_40

    def client(role):
        return Client(port, cookie=cookies[role])

    def has_task(reply):
        expect(reply, pattern=TASK_LINK)

    first = client("reviewer").get("/work/queue/")
    has_task(first)
    page_40, _note = queue_page_40(client("reviewer"), first.text)
    task_id = re.search(TASK_LINK, first.text).group(1)
    dashboard = client("citizen").get("/applications/")
    expect(dashboard, pattern=OWN_APPLICATION)
    application_id = re.search(OWN_APPLICATION, dashboard.text).group(1)

    from approvals.models import Application, ReviewTask

    task_tracking = ReviewTask.objects.get(pk=task_id).application.tracking_number
    tracking = Application.objects.get(pk=application_id).tracking_number or "/applications/"
    return [
        ("API tasks", "reviewer", "/api/v1/tasks/", expect_rows),
        (
            "citizen dashboard",
            "citizen",
            "/applications/",
            lambda r: expect(r, pattern=OWN_APPLICATION),
        ),
        (
            "application detail",
            "citizen",
            f"/applications/{application_id}/",
            lambda r: expect(r, contains=tracking),
        ),
        (
            "task detail",
            "reviewer",
            f"/work/tasks/{task_id}/",
            lambda r: expect(r, contains=task_tracking),
        ),
        ("queue page 40 (reviewer)", "reviewer", page_40, has_task),
        ("queue (reviewer)", "reviewer", "/work/queue/", has_task),
        ("queue (department head)", "department_head", "/work/queue/", has_task),
    ]


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50), 1),
        "p95_ms": round(percentile(samples, 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the old checkout's directory")
    parser.add_argument("--new", type=Path, default=Path.cwd(), help="the new checkout's directory")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warm-up", type=int, default=8)
    parser.add_argument("--subjects", type=Path, required=True)
    parser.add_argument("--old-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--pages", default="", help="only pages whose names contain these words")
    parser.add_argument("--out", type=Path, default=Path("var/bench/ab.json"))
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    # One key for this process (which writes the sessions) and both servers (which read them).
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("PORTAL_BASE_URL", "https://portal.bench.invalid")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from benchmarks.subjects import pick_subjects, verified_session_cookie

    subjects = pick_subjects(args.subjects)
    cookies = {role: verified_session_cookie(s.user) for role, s in subjects.items()}
    env = {"API_THROTTLE_USER": "1000000/minute", "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    old_env = dict(env, **dict(item.split("=", 1) for item in args.old_env))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    words = [w.strip().lower() for w in args.pages.split(",") if w.strip()]

    sides = {}
    results: dict = {}
    loads = []
    with (
        CheckoutGunicorn(
            args.old.resolve(), env=old_env, log_path=str(args.out.with_suffix(".old.log"))
        ) as old,
        CheckoutGunicorn(
            args.new.resolve(), env=env, log_path=str(args.out.with_suffix(".new.log"))
        ) as new,
    ):
        sides = {"OLD": old, "NEW": new}
        plans = {side: pages_of(server.port, cookies) for side, server in sides.items()}
        for side, plan in plans.items():
            print(side, {name: path for name, _role, path, _check in plan}, flush=True)
        for round_number in range(1, args.rounds + 1):
            order = ["OLD", "NEW"] if round_number % 2 else ["NEW", "OLD"]
            loads.append(os.getloadavg())
            print(f"round {round_number} ({', '.join(order)}), load {loads[-1]}", flush=True)
            for index in range(len(plans["OLD"])):
                name = plans["OLD"][index][0]
                if words and not any(w in name.lower() for w in words):
                    continue
                for side in order:
                    _name, role, path, check = plans[side][index]
                    client = Client(sides[side].port, cookie=cookies[role])
                    measured = timed(
                        client, path, check, requests=args.requests, warm_up=args.warm_up
                    )
                    entry = results.setdefault(name, {}).setdefault(
                        side, {"path": path, "rounds": [], "samples_ms": [], "queries": None}
                    )
                    entry["rounds"].append(summary(measured["samples_ms"]))
                    entry["samples_ms"] += measured["samples_ms"]
                    entry["queries"] = measured["queries"]
                    print(
                        f"  {side} {name:<26} p50 {entry['rounds'][-1]['p50_ms']:6.1f}  "
                        f"p95 {entry['rounds'][-1]['p95_ms']:6.1f}  {measured['queries']} q",
                        flush=True,
                    )
        loads.append(os.getloadavg())

    table = []
    for name, by_side in results.items():
        row = {"page": name}
        for side in ("OLD", "NEW"):
            entry = by_side[side]
            row[side] = {
                **summary(entry["samples_ms"]),
                "queries": entry["queries"],
                "round_p50s": [r["p50_ms"] for r in entry["rounds"]],
                "path": entry["path"],
            }
        row["p50_difference_ms"] = round(row["NEW"]["p50_ms"] - row["OLD"]["p50_ms"], 1)
        table.append(row)
    document = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "old": str(args.old.resolve()),
        "new": str(args.new.resolve()),
        "rounds": args.rounds,
        "requests_per_page": args.requests,
        "load_averages": loads,
        "subjects": {role: s.user.email for role, s in subjects.items()},
        "pages": table,
    }
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(f"{'page':<26} {'OLD p50/p95 · q':>22} {'NEW p50/p95 · q':>22} {'Δp50':>6}")
    for row in table:
        cells = [
            f"{row[s]['p50_ms']:.1f}/{row[s]['p95_ms']:.1f} · {row[s]['queries']}"
            for s in ("OLD", "NEW")
        ]
        print(f"{row['page']:<26} {cells[0]:>22} {cells[1]:>22} {row['p50_difference_ms']:+6.1f}")
    print("load averages:", loads, file=sys.stderr)


if __name__ == "__main__":
    main()
