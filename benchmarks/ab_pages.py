"""Old code and new, alternately, on one database: the pages of ``make bench`` timed against two
checkouts (issue 17, "make bench figures are no worse"; docs/performance.md).

    DATABASE_URL=postgres://…/portal_bench_ab .venv/bin/python -m benchmarks.ab_pages \\
        --checkout OLD=/path/to/old-checkout --checkout NEW=. --rounds 3 \\
        --subjects var/bench/subjects-1000000.json --out var/bench/ab.json

Each checkout gets its own gunicorn (4 sync workers, ``benchmarks.settings``: production's
settings with the ``X-Bench-Queries`` header), started from that checkout's directory on its own
port, against the same database; all stay up for the whole run. The subjects are the bench's
(``--subjects``, the JSON ``seed_scale`` wrote), signed in once with sessions as
``benchmarks.subjects`` writes them (one secret key for all servers, so all accept them). Each
round measures every page on every server, one after the other, the first server changing from
round to round (OLD, NEW in odd rounds, NEW, OLD in even ones), so a drift of the machine's
load falls on all. A page is measured as ``make bench`` measures it (benchmarks.load.measure:
warm-up requests, then ``--requests`` timed ones). ``--env NAME:VAR=VALUE`` adds to one server's
environment (e.g. ``OLD:PGOPTIONS=-c search_path=abold,public`` for a schema the old code
needs).

This module measures; it never changes what ``make bench`` measures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import sys
import time
from pathlib import Path

from benchmarks.load import sample
from benchmarks.stats import percentile
from benchmarks.web import Client, Gunicorn

TASK_LINK = r'href="/work/tasks/(\d+)/"'
OWN_APPLICATION = r'href="/applications/(\d+)/"'


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
    parser.add_argument(
        "--checkout",
        action="append",
        required=True,
        metavar="NAME=DIR",
        help="a checkout to measure (two or more; the first is the baseline of the differences)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warm-up", type=int, default=8)
    parser.add_argument("--subjects", type=Path, required=True)
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME:VAR=VALUE", help="for one checkout"
    )
    parser.add_argument("--pages", default="", help="only pages whose names contain these words")
    parser.add_argument("--out", type=Path, default=Path("var/bench/ab.json"))
    args = parser.parse_args()
    checkouts = dict(item.split("=", 1) for item in args.checkout)
    if len(checkouts) < 2:
        parser.error("give two checkouts or more")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    # One key for this process (which writes the sessions) and the servers (which read them).
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("PORTAL_BASE_URL", "https://portal.bench.invalid")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from benchmarks.subjects import pick_subjects, verified_session_cookie

    subjects = pick_subjects(args.subjects)
    cookies = {role: verified_session_cookie(s.user) for role, s in subjects.items()}
    base_env = {
        "API_THROTTLE_USER": "1000000/minute",
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    envs = {name: dict(base_env) for name in checkouts}
    for item in args.env:
        name, assignment = item.split(":", 1)
        variable, value = assignment.split("=", 1)
        envs[name][variable] = value
    args.out.parent.mkdir(parents=True, exist_ok=True)
    words = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
    names = list(checkouts)

    results: dict = {}
    loads = []
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                Gunicorn(
                    workers=4,
                    env=envs[name],
                    log_path=str(args.out.with_suffix(f".{name}.log")),
                    chdir=str(Path(directory).resolve()),
                )
            )
            for name, directory in checkouts.items()
        }
        plans = {name: pages_of(server.port, cookies) for name, server in servers.items()}
        for name, plan in plans.items():
            print(name, {page: path for page, _role, path, _check in plan}, flush=True)
        for round_number in range(1, args.rounds + 1):
            # Each round starts with the next checkout: OLD, NEW; NEW, OLD; ...
            shift = (round_number - 1) % len(names)
            order = names[shift:] + names[:shift]
            loads.append(os.getloadavg())
            print(f"round {round_number} ({', '.join(order)}), load {loads[-1]}", flush=True)
            for index in range(len(plans[names[0]])):
                page = plans[names[0]][index][0]
                if words and not any(w in page.lower() for w in words):
                    continue
                for name in order:
                    _page, role, path, check = plans[name][index]
                    client = Client(servers[name].port, cookie=cookies[role])
                    _first, samples, queries = sample(
                        client, path, requests=args.requests, check=check, warm_up=args.warm_up
                    )
                    measured = {
                        "samples_ms": samples,
                        "queries": max(queries) if queries else None,
                    }
                    entry = results.setdefault(page, {}).setdefault(
                        name, {"path": path, "rounds": [], "samples_ms": [], "queries": None}
                    )
                    entry["rounds"].append(summary(measured["samples_ms"]))
                    entry["samples_ms"] += measured["samples_ms"]
                    entry["queries"] = measured["queries"]
                    print(
                        f"  {name:<6} {page:<26} p50 {entry['rounds'][-1]['p50_ms']:6.1f}  "
                        f"p95 {entry['rounds'][-1]['p95_ms']:6.1f}  {measured['queries']} q",
                        flush=True,
                    )
        loads.append(os.getloadavg())

    table = []
    for page, by_name in results.items():
        row = {"page": page}
        for name in names:
            entry = by_name[name]
            row[name] = {
                **summary(entry["samples_ms"]),
                "queries": entry["queries"],
                "round_p50s": [r["p50_ms"] for r in entry["rounds"]],
                "path": entry["path"],
            }
        row["p50_difference_ms"] = {
            name: round(row[name]["p50_ms"] - row[names[0]]["p50_ms"], 1) for name in names[1:]
        }
        table.append(row)
    document = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "checkouts": {name: str(Path(d).resolve()) for name, d in checkouts.items()},
        "rounds": args.rounds,
        "requests_per_page": args.requests,
        "load_averages": loads,
        "subjects": {role: s.user.email for role, s in subjects.items()},
        "pages": table,
    }
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    header = "".join(f"{name + ' p50/p95 · q':>24}" for name in names)
    print(f"{'page':<26}{header}  p50 difference from {names[0]}")
    for row in table:
        cells = "".join(
            "{:>24}".format(f"{row[n]['p50_ms']:.1f}/{row[n]['p95_ms']:.1f} · {row[n]['queries']}")
            for n in names
        )
        differences = ", ".join(f"{n} {d:+.1f}" for n, d in row["p50_difference_ms"].items())
        print(f"{row['page']:<26}{cells}  {differences}")
    print("load averages:", loads, file=sys.stderr)


if __name__ == "__main__":
    main()
