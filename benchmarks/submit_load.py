"""Submissions under load, through gunicorn, over loopback HTTP (issue 12).

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_x \\
    CACHE_URL=redis://127.0.0.1:6379/3 CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \\
    .venv/bin/python -m benchmarks.submit_load --drafts 800 --clients 16

The database must be migrated and seeded (``manage.py seed_demo --no-applications``): the demo
citizens and businesses apply for nine services. The script gives each demo citizen a personal
token, starts gunicorn (``--workers`` sync workers, production settings) on 127.0.0.1, fills
``--drafts`` drafts through the REST API (steps and materials, as an app would), then submits
them all with ``--clients`` concurrent clients, each request with its own Idempotency-Key. It
prints the throughput and the latency percentiles of the submissions, then checks from the
database that every acknowledged submission is stored (status, tracking number), that tracking
numbers are unique and that the audit chain verifies.

The per-user API rate limit is raised for the run (three demo citizens make all the load);
everything else is as deployed. A repeating group of answers (a list of objects) is sent in the
step form's formset shape: the API reads the JSON answers through the page's form.

``--ceiling N`` measures what the machine allows any request, with the same server, clients and
drafts: N requests of each of the two cheapest things a client asks with its token (a
submission refused for want of its Idempotency-Key, which is authentication, throttling and an
error; and one application's detail, which is that plus one application read), each with the
CPU that every part spent per request. A submission does all that and writes.

``--profile K`` submits K more drafts in this process (Django's test client, the same
database): the first half without a profiler, for the CPU time per submission of this process;
the second half under cProfile, printing where the time goes, the queries per submission, and
how long each row lock that submissions share is held, from the statement that takes it to the
commit.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import faulthandler
import io
import os
import pstats
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid

import requests

HOST = "127.0.0.1"
# Answers per service, from the demo applications (valid against the demo catalogue's schemas).
CASES = [
    # (service code, applicant email, business name or None, attribute of demo_applications)
    ("IND-REG", "citizen3@demo.cn", None, "INDIVIDUAL_BUSINESS"),
    ("MED-LIC", "citizen3@demo.cn", None, "CLINIC"),
    ("AD-PERMIT", "citizen2@demo.cn", None, "ADVERTISING"),
    ("ENT-REG", "citizen2@demo.cn", None, "COMPANY"),
    ("FOOD-LIC", "citizen1@demo.cn", "RESTAURANT", "FOOD_LICENCE"),
    ("FIRE-CHECK", "citizen1@demo.cn", "RESTAURANT", "FIRE_CHECK"),
    ("DRAIN-PERMIT", "citizen1@demo.cn", "RESTAURANT", "DRAINAGE"),
    ("PLAN-PERMIT", "citizen3@demo.cn", "BUILDER", "PLANNING"),
    ("EIA-APPROVAL", "citizen3@demo.cn", "BUILDER", "IMPACT_ASSESSMENT"),
]
# The row locks that submissions of different applications share, by what their SQL contains.
SHARED_LOCKS = {
    "tracking counter (service and day)": ("approvals_trackingcounter", "UPDATE"),
    "document counter (department and kind)": ("approvals_documentcounter", "UPDATE"),
    "audit chain head (everyone)": ("approvals_auditchainhead", "FOR UPDATE"),
}
RUN_MARK = "submit_load "
SERVER_START_TIMEOUT = 60
REQUEST_TIMEOUT = 60


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, "PNG")
    return buffer.getvalue()


class Api:
    def __init__(self, base: str, token: str):
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
        self.local = threading.local()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def call(self, method: str, path: str, *, expect: tuple[int, ...], **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.session.request(
            method, self.base + path, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        )
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response


def _setup(args) -> tuple[dict, dict]:
    """Tokens for the demo citizens, and each case's business id and steps."""
    import django

    django.setup()
    from accounts.models import Business, User
    from approvals.services.api_credentials import personal_token_create, personal_token_revoke
    from demo import applications as demo_applications

    tokens, cases = {}, []
    for code, email, business_attr, steps_attr in CASES:
        if args.services and code not in args.services:
            continue
        if email not in tokens:
            user = User.objects.get(email=email)
            # The tokens of earlier runs are revoked (a user may hold only a few).
            earlier = user.api_tokens.filter(name__startswith=RUN_MARK, revoked_at__isnull=True)
            for token in earlier:
                personal_token_revoke(actor=user, token=token)
            _token, raw = personal_token_create(
                actor=user, name=f"{RUN_MARK}{uuid.uuid4().hex[:8]}"
            )
            tokens[email] = raw
        business_id = None
        if business_attr:
            name = getattr(demo_applications, business_attr)
            business_id = Business.objects.get(name=name).pk
        cases.append((code, email, business_id, getattr(demo_applications, steps_attr)))
    return tokens, cases


def _start_server(args, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        # Production refuses to start without a public https:// address (as scripts/bench.sh).
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "https://portal.bench.invalid"),
        # The load comes from three demo citizens: their per-user API limit would stop it.
        "API_THROTTLE_USER": "1000000/minute",
    }
    command = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "portal.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    from django.conf import settings

    log_path = settings.VAR_DIR / "log" / "submit_load.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            command, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            requests.get(
                f"http://{HOST}:{port}/api/v1/services/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=2,
            )
            return server
        except requests.RequestException:
            time.sleep(0.5)
    _stop_server(server)
    raise RuntimeError("gunicorn did not answer in time")


def _stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def _cpu_seconds(server: subprocess.Popen) -> dict[str, float]:
    """User + system CPU time used so far (Linux /proc) by each part the submissions share the
    machine with: gunicorn's master and workers, PostgreSQL's processes, Redis, and this process
    (the clients)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parts = {"web": 0, "database": 0, "redis": 0, "clients": 0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                name, fields = stat.read().rsplit(")", 1)
        except OSError:
            continue
        name, fields = name.split("(", 1)[1], fields.split()
        # fields[1] is the parent pid, fields[11] and [12] utime and stime (man 5 proc).
        used = int(fields[11]) + int(fields[12])
        if int(entry) == server.pid or int(fields[1]) == server.pid:
            parts["web"] += used
        elif name == "postgres":
            parts["database"] += used
        elif name.startswith("redis-server"):
            parts["redis"] += used
        elif int(entry) == os.getpid():
            parts["clients"] += used
    return {part: used / ticks for part, used in parts.items()}


def _service_materials(api: Api, code: str) -> list[str]:
    detail = api.call("GET", f"/services/{code}/", expect=(200,)).json()
    return [m["key"] for m in detail["materials"] if m.get("required")]


def _step_fields(api: Api, code: str) -> dict[str, list[str]]:
    detail = api.call("GET", f"/services/{code}/", expect=(200,)).json()
    schema = detail["form_schema"]
    return {step["key"]: list(step["fields"]) for step in schema["x-steps"]}


def _as_api_values(values: dict) -> dict:
    """A repeating group (a list of objects) as the step form's formset fields: the API passes
    the JSON answers to the page's form as they are, and reads a group only in that shape."""
    flat = {}
    for name, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            flat[f"{name}-TOTAL_FORMS"] = len(value)
            flat[f"{name}-INITIAL_FORMS"] = 0
            for i, row in enumerate(value):
                flat.update({f"{name}-{i}-{key}": item for key, item in row.items()})
        else:
            flat[name] = value
    return flat


def _fill_draft(api: Api, case, materials: list[str], fields: dict, png: bytes) -> int:
    code, _email, business_id, steps = case
    body = {"service": code, **({"business": business_id} if business_id else {})}
    detail = api.call("POST", "/applications/", expect=(201,), json=body).json()
    for step_key, answers in steps:
        values = {k: v for k, v in detail["data"].items() if k in fields.get(step_key, ())}
        values.update(answers)
        detail = api.call(
            "PUT",
            f"/applications/{detail['id']}/steps/{step_key}/",
            expect=(200,),
            json={"values": _as_api_values(values), "revision": detail["revision"]},
        ).json()
    for key in materials:
        api.call(
            "POST",
            f"/applications/{detail['id']}/attachments/",
            expect=(201,),
            data={"material_key": key},
            files={"file": (f"{key}.png", png, "image/png")},
        )
    return detail["id"]


def _prepare(args, base: str, tokens: dict, cases: list) -> list[tuple[Api, int]]:
    apis = {email: Api(base, token) for email, token in tokens.items()}
    materials = {c[0]: _service_materials(apis[c[1]], c[0]) for c in cases}
    fields = {c[0]: _step_fields(apis[c[1]], c[0]) for c in cases}
    png = _png()
    plan = [cases[i % len(cases)] for i in range(args.drafts)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.prepare_clients) as pool:
        futures = [
            pool.submit(_fill_draft, apis[case[1]], case, materials[case[0]], fields[case[0]], png)
            for case in plan
        ]
        drafts = [(apis[case[1]], f.result()) for case, f in zip(plan, futures, strict=True)]
    print(f"prepared {len(drafts)} drafts in {time.monotonic() - started:.1f} s", flush=True)
    return drafts


def _submit_all(args, drafts: list[tuple[Api, int]]) -> tuple[dict, list[float], list, float]:
    acknowledged: dict[int, str] = {}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def submit(api: Api, pk: int) -> None:
        began = time.perf_counter()
        try:
            response = api.session.post(
                f"{api.base}/applications/{pk}/submit/",
                headers={**api.headers, "Idempotency-Key": uuid.uuid4().hex},
                timeout=REQUEST_TIMEOUT,
            )
        except requests.RequestException as error:
            with lock:
                failures.append(f"{pk}: {error}")
            return
        elapsed = time.perf_counter() - began
        with lock:
            latencies.append(elapsed)
            if response.status_code == 201:
                acknowledged[pk] = response.json()["tracking_number"]
            else:
                failures.append(f"{pk}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(lambda d: submit(*d), drafts))
    return acknowledged, latencies, failures, time.perf_counter() - started


def _ceiling(args, server, drafts: list[tuple[Api, int]]) -> None:
    """``--ceiling``: the throughput and CPU per request of the cheapest token requests."""
    api, pk = drafts[0]
    requests_of = {
        "submission refused without its key (400)": ("POST", f"/applications/{pk}/submit/"),
        "application detail (200)": ("GET", f"/applications/{pk}/"),
    }
    for name, (method, path) in requests_of.items():
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def ask(_index, method=method, path=path, statuses=statuses, lock=lock) -> None:
            response = api.session.request(
                method, f"{api.base}{path}", headers=api.headers, timeout=REQUEST_TIMEOUT
            )
            with lock:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        before = _cpu_seconds(server)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(ask, range(args.ceiling)))
        elapsed = time.perf_counter() - started
        used = {part: spent - before[part] for part, spent in _cpu_seconds(server).items()}
        shares = ", ".join(
            f"{part} {spent * 1e3 / args.ceiling:.1f}" for part, spent in used.items()
        )
        print(
            f"ceiling, {name}: {args.ceiling / elapsed:.0f}/s with {args.clients} clients "
            f"(answers {statuses}); CPU per request (ms): {shares}"
        )


def _check(drafts, acknowledged: dict[int, str]) -> bool:
    from approvals.models import Application
    from audit.chain import verify_chain
    from audit.models import AuditChainHead

    stored = dict(
        Application.objects.filter(pk__in=[pk for _api, pk in drafts])
        .exclude(status="draft")
        .values_list("pk", "tracking_number")
    )
    lost = [pk for pk, number in acknowledged.items() if stored.get(pk) != number]
    unacknowledged = sorted(set(stored) - set(acknowledged))
    numbers = list(stored.values())
    duplicates = len(numbers) - len(set(numbers))
    head = AuditChainHead.objects.get(pk=1)
    began = time.perf_counter()
    problem = verify_chain(head_sequence=head.sequence, head_hash=head.hash)
    print(
        f"acknowledged {len(acknowledged)}, stored {len(stored)}, lost {len(lost)}, "
        f"stored without acknowledgement {len(unacknowledged)}, duplicate tracking numbers "
        f"{duplicates}; audit chain ({head.sequence} events, {time.perf_counter() - began:.1f} s): "
        f"{problem or 'intact'}"
    )
    return not lost and not duplicates and problem is None and len(stored) == len(acknowledged)


def _profile(args, tokens: dict, cases: list) -> None:
    """Submit ``args.profile`` drafts in this process under cProfile."""
    from django.test import Client

    clients = {
        email: Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1", secure=True)
        for email, token in tokens.items()
    }
    # Fill the drafts over the test client too (no server needed).
    png = _png()
    drafts = []
    for i in range(args.profile):
        code, email, business_id, steps = cases[i % len(cases)]
        client = clients[email]
        body = {"service": code, **({"business": business_id} if business_id else {})}
        service = client.get(f"/api/v1/services/{code}/").json()
        fields = {s["key"]: s["fields"] for s in service["form_schema"]["x-steps"]}
        detail = client.post("/api/v1/applications/", body, content_type="application/json")
        detail = detail.json()
        for step_key, answers in steps:
            values = {k: v for k, v in detail["data"].items() if k in fields.get(step_key, ())}
            values.update(answers)
            detail = client.put(
                f"/api/v1/applications/{detail['id']}/steps/{step_key}/",
                {"values": _as_api_values(values), "revision": detail["revision"]},
                content_type="application/json",
            ).json()
        for material in service["materials"]:
            if material.get("required"):
                upload = io.BytesIO(png)
                upload.name = f"{material['key']}.png"
                client.post(
                    f"/api/v1/applications/{detail['id']}/attachments/",
                    {"material_key": material["key"], "file": upload},
                )
        drafts.append((client, detail["id"]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # PROFILE_CLOCK=cpu: where this process spends CPU (waits for the database left out).
    clock = time.process_time if os.environ.get("PROFILE_CLOCK") == "cpu" else time.perf_counter
    profiler = cProfile.Profile(clock)
    times, queries = [], []
    holds: dict[str, list[float]] = {}
    taken: list[tuple[str, float]] = []

    def lock_timer(execute, sql, params, many, context):
        """Note when a statement takes a shared row lock; the commit frees it."""
        for name, marks in SHARED_LOCKS.items():
            held = any(name == other for other, _at in taken)
            if connection.in_atomic_block and not held and all(mark in sql for mark in marks):
                taken.append((name, time.perf_counter()))
        return execute(sql, params, many, context)

    real_commit = connection._commit

    def timed_commit():
        result = real_commit()
        freed = time.perf_counter()
        for name, at in taken:
            holds.setdefault(name, []).append(freed - at)
        taken.clear()
        return result

    connection._commit = timed_commit

    # The first half runs without the profiler, for this process's CPU time per submission
    # (the test client's own work included); the second half under it.
    unprofiled = drafts[: len(drafts) // 2]
    cpu_began = time.process_time()
    for client, pk in unprofiled:
        response = client.post(
            f"/api/v1/applications/{pk}/submit/", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        assert response.status_code == 201, response.content[:300]
    cpu = (time.process_time() - cpu_began) / max(len(unprofiled), 1)
    for client, pk in drafts[len(unprofiled) :]:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(lock_timer):
            profiler.enable()
            response = client.post(
                f"/api/v1/applications/{pk}/submit/", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
            )
            profiler.disable()
        times.append(time.perf_counter() - began)
        queries.append(len(captured))
        assert response.status_code == 201, response.content[:300]
    if args.show_sql:
        for number, query in enumerate(captured.captured_queries, 1):
            print(f"{number:3d} {query['time']}s {query['sql'][:240]}")
    print(
        f"{len(unprofiled)} submissions in-process: {cpu * 1e3:.1f} ms CPU each (unprofiled); "
        f"profiled {len(times)}: p50 {statistics.median(times) * 1e3:.1f} ms, "
        f"{statistics.median(queries)} queries"
    )
    for lock, values in sorted(holds.items()):
        print(
            f"lock held until commit, {lock}: p50 {statistics.median(values) * 1e3:.2f} ms, "
            f"max {max(values) * 1e3:.2f} ms ({len(values)} times)"
        )
    if os.environ.get("PROFILE_DUMP"):  # a file for pstats or snakeviz
        profiler.dump_stats(os.environ["PROFILE_DUMP"])
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(os.environ.get("PROFILE_FILTER", r"(approvals|accounts|portal)/"), 40)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=800)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--prepare-clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--services", nargs="*", help="service codes (default: all nine)")
    parser.add_argument("--profile", type=int, default=0, help="profile K in-process submissions")
    parser.add_argument(
        "--ceiling", type=int, default=0, help="N of each of the cheapest token requests first"
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="with --profile, print the last submission's SQL"
    )
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1)
    if not 1 <= args.drafts <= 20000 or not 1 <= args.clients <= 256:
        parser.error("--drafts 1..20000, --clients 1..256")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    tokens, cases = _setup(args)
    if args.profile:
        _profile(args, tokens, cases)
        return
    base = f"http://{HOST}:{args.port}/api/v1"
    server = _start_server(args, args.port)
    # A timeout or Ctrl-C stops the server too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        drafts = _prepare(args, base, tokens, cases)
        if args.ceiling:
            _ceiling(args, server, drafts)
        cpu_before, load_before = _cpu_seconds(server), os.getloadavg()[0]
        acknowledged, latencies, failures, elapsed = _submit_all(args, drafts)
        cpu = {part: used - cpu_before[part] for part, used in _cpu_seconds(server).items()}
        load = (load_before + os.getloadavg()[0]) / 2
    finally:
        _stop_server(server)
    for failure in failures[:10]:
        print("failed:", failure)
    print(
        f"submissions: {len(drafts)} with {args.clients} clients, {args.workers} gunicorn "
        f"workers, {len(cases)} services: {len(acknowledged) / elapsed:.1f}/s, "
        f"p50 {_percentile(latencies, 0.5) * 1e3:.0f} ms, "
        f"p95 {_percentile(latencies, 0.95) * 1e3:.0f} ms, "
        f"max {max(latencies) * 1e3:.0f} ms, failed {len(failures)}"
    )
    shares = ", ".join(
        f"{part} {used * 1e3 / max(len(drafts), 1):.1f}" for part, used in cpu.items()
    )
    print(
        f"CPU per submission (ms): {shares}; "
        f"machine load average {load:.1f} on {os.cpu_count()} cores"
    )
    ok = _check(drafts, acknowledged)
    sys.exit(0 if ok and not failures else 1)


if __name__ == "__main__":
    main()
