"""One scale of ``make bench``: pages over HTTP against gunicorn, submissions under load, the
guardian baseline, the deadline sweep and the audit-chain walk. Writes the scale's figures as JSON
(``benchmarks.report`` prints and merges them). scripts/bench.sh runs it with DATABASE_URL set to
the scale's database and DJANGO_SETTINGS_MODULE=benchmarks.settings.

    python -m benchmarks.load --scale 10000 --out var/bench/scale-10000.json

Every loop is bounded (``--requests`` per page, ``--submissions`` in all); traffic goes to
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import platform
import queue
import re
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import stats
from benchmarks.stats import PAGE, Target, figure
from benchmarks.web import Client, Gunicorn

# Each of the 4 workers gets requests before the measured ones (its first request is cold): at
# least WARM_UP in all, and on until every worker has served the page twice (the kernel, not the
# client, picks the worker that accepts each connection), at most MAX_WARM_UP.
WORKERS = 4
WARM_UP = 8
MAX_WARM_UP = 64
PAGE_TARGETS = {"supervision": Target("p95_ms", "<=", 200, "ms")}


# BENCH_PAGES: measure only the pages whose names contain one of these words (comma-separated),
# and nothing else (no submissions, sweep or audit walk: the database is only read). Empty: all.
PAGE_SELECTION = [
    word.strip().lower() for word in os.environ.get("BENCH_PAGES", "").split(",") if word.strip()
]


def selected(name: str) -> bool:
    """Whether the page ``name`` is measured (a page that another one needs is opened anyway,
    but measured only when selected)."""
    return not PAGE_SELECTION or any(word in name.lower() for word in PAGE_SELECTION)


class BenchError(RuntimeError):
    pass


# --- Pages --------------------------------------------------------------------------------------


def expect(reply, *, contains: str | None = None, pattern: str | None = None) -> None:
    """A page that answered with real content: 200 (not a redirect to sign-in), and the marker."""
    if reply.status != 200:
        location = reply.headers.get("location", "")
        raise BenchError(f"answered {reply.status} {location}".strip())
    if contains is not None and contains not in reply.text:
        raise BenchError(f"answered 200 without {contains!r}")
    if pattern is not None and not re.search(pattern, reply.text):
        raise BenchError(f"answered 200 without a match for {pattern!r}")


def expect_rows(reply) -> None:
    """An API list that answered 200 with at least one row (paginated or not)."""
    expect(reply)
    try:
        data = reply.json()
    except ValueError as error:
        raise BenchError(f"answered 200 without JSON: {error}") from error
    rows = data.get("results") if isinstance(data, dict) else data
    if not rows:
        raise BenchError("answered 200 with no rows")


def sample(client, path, *, requests, check, warm_up=WARM_UP) -> tuple:
    """The first reply (checked), at least ``warm_up`` requests in all before the timed ones
    (until every worker has served two, see ``WORKERS``), then ``requests`` timed ones (each
    checked): the first reply, the times and the statement counts."""
    first = client.get(path)
    check(first)
    served = Counter([first.worker])
    sent = 1
    while sent < warm_up or (
        first.worker is not None
        and sent < MAX_WARM_UP
        and (len(served) < WORKERS or min(served.values()) < 2)
    ):
        served[client.get(path).worker] += 1
        sent += 1
    if first.worker is not None and len(served) < WORKERS:
        print(f"  ({path}: {sent} warm-up requests reached {len(served)} of {WORKERS} workers)")
    samples, queries = [], []
    for _ in range(requests):
        reply = client.get(path)
        check(reply)
        samples.append(reply.ms)
        if reply.queries is not None:
            queries.append(reply.queries)
    return first, samples, queries


def measure(name, scale, client, path, *, requests, check, target=PAGE, note=""):
    first, samples, queries = sample(client, path, requests=requests, check=check)
    result = figure(
        name,
        scale,
        samples_ms=samples,
        queries=max(queries) if queries else None,
        target=target,
        note=" ".join(p for p in (f"GET {path}", note) if p),
    )
    print(
        f"  {name:<28} p50 {result.p50_ms:8.1f} ms  p95 {result.p95_ms:8.1f} ms  "
        f"{result.queries} queries",
        flush=True,
    )
    return result, first


def _links(text: str, pattern: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(pattern, text)]


def queue_page_40(client, first_page_html: str) -> tuple[str, str]:
    """The path of the queue's 40th page, taken from the page's own links: ``?page=40`` where the
    pager numbers its pages (checked by its link back to page 39), else following "next" links
    (keyset pagination) up to 39 times. When the queue is shorter: its last page (and a note)."""
    target = 40
    direct = "/work/queue/?page=40"
    links = _links(first_page_html, r'href="(\?[^"]*(?:page|cursor|after)=[^"]*)"')
    if not links:
        return "/work/queue/", "the queue has one page"
    if any(re.search(r"[?&]page=\d+", link) for link in links):
        reply = client.get(direct)
        expect(reply)
        # Only the pager's links count: the page also carries its own address elsewhere (the
        # language form's "next"), which says ?page=40 whatever page was served.
        pages = [
            int(number)
            for link in _links(reply.text, r'href="(\?[^"]*)"')
            for number in re.findall(r"[?&]page=(\d+)", link)
        ]
        if target - 1 in pages:
            return direct, ""
        last = max(pages) + 1 if pages else 1
        return f"/work/queue/?page={last}", f"the queue has {last} pages; its last measured"
    path, text = "/work/queue/", first_page_html
    for number in range(2, target + 1):
        nexts = _links(text, r'href="(\?[^"]*(?:cursor|after)=[^"]*)"')
        if not nexts:
            return path, f"the queue has {number - 1} pages; its last measured"
        path = "/work/queue/" + nexts[-1]
        reply = client.get(path)
        expect(reply)
        text = reply.text
    return path, ""


def measure_pages(scale, port, subjects, requests) -> tuple[list, dict]:
    from benchmarks.subjects import verified_session_cookie

    cookies = {role: verified_session_cookie(s.user) for role, s in subjects.items()}

    def client(role):
        if role not in cookies:
            raise BenchError(f"no {role} in this database")
        return Client(port, cookie=cookies[role])

    figures, picked = [], {}
    today = dt.date.today()

    def page(name, role, path, check, **kwargs):
        if not selected(name):
            return None
        try:
            result, first = measure(
                name, scale, client(role), path, requests=requests, check=check, **kwargs
            )
        except (BenchError, OSError) as error:
            print(f"  {name:<28} NOT MEASURED: {error}", flush=True)
            figures.append(figure(name, scale, note=f"not measured: GET {path}: {error}"))
            return None
        figures.append(result)
        return first

    task_link = r'href="/work/tasks/(\d+)/"'
    first = page(
        "queue (reviewer)", "reviewer", "/work/queue/", lambda r: expect(r, pattern=task_link)
    )
    page(
        "queue (department head)",
        "department_head",
        "/work/queue/",
        lambda r: expect(r, pattern=task_link),
    )
    if first is not None:
        path, note = queue_page_40(client("reviewer"), first.text)
        page(
            "queue page 40 (reviewer)",
            "reviewer",
            path,
            lambda r: expect(r, pattern=task_link),
            note=note,
        )
        task_id = re.search(task_link, first.text).group(1)
        picked["task"] = int(task_id)
        from approvals.models import ReviewTask

        # The case's tracking number: every task page shows it, with or without action forms
        # (a task claimed by a colleague has none).
        task_tracking = ReviewTask.objects.get(pk=task_id).application.tracking_number
        page(
            "task detail",
            "reviewer",
            f"/work/tasks/{task_id}/",
            lambda r: expect(r, contains=task_tracking),
        )
    page(
        "API tasks",
        "reviewer",
        "/api/v1/tasks/",
        expect_rows,
    )
    page(
        "intake queue",
        "intake_clerk",
        "/work/intake/",
        lambda r: expect(r, pattern=r'href="/work/intake/\d+/"'),
    )
    own = r'href="/applications/(\d+)/"'
    first = page("citizen dashboard", "citizen", "/applications/", lambda r: expect(r, pattern=own))
    if first is not None:
        application_id = int(re.search(own, first.text).group(1))
        picked["application"] = application_id
        from approvals.models import Application

        tracking = Application.objects.get(pk=application_id).tracking_number or "/applications/"
        page(
            "application detail",
            "citizen",
            f"/applications/{application_id}/",
            lambda r: expect(r, contains=tracking),
        )
        from approvals.selectors.audit_trail import application_events

        # Each opening of the timeline is itself audited on the application (who saw what), so
        # every run leaves the page longer for the next: say how long it was.
        shown = application_events(Application.objects.get(pk=application_id)).count()
        page(
            "admin timeline",
            "supervisor",
            f"/admin/audit/auditevent/timeline/{application_id}/",
            lambda r: expect(r, contains=tracking),
            note=f"application {application_id}: {shown} events before the run",
        )
    page(
        "supervision",
        "supervisor",
        "/supervision/",
        lambda r: expect(r, contains="lights-department"),
        target=PAGE_TARGETS["supervision"],
    )
    # Supervision trends (issue 18): a year by week, and the list behind its first late column.
    trends_path = "/supervision/trends/?" + urlencode(
        {"start": (today - dt.timedelta(days=364)).isoformat(), "end": today.isoformat()}
        | {"granularity": "week"}
    )
    first = page(
        "supervision trends (year by week)",
        "supervisor",
        trends_path,
        lambda r: expect(r, contains="trend-late"),
        target=PAGE_TARGETS["supervision"],
    )
    if first is not None:
        late = _links(first.text, r'href="(/supervision/trends/cases/\?kind=late[^"]*)"')
        if late:
            page(
                "trend cases (late, a week)",
                "supervisor",
                late[-1],
                lambda r: expect(r, contains="trend-cases"),
                target=PAGE_TARGETS["supervision"],
            )
        else:
            print("  trend cases                  NOT MEASURED: no late column", flush=True)
            figures.append(
                figure("trend cases (late, a week)", scale, note="not measured: no late column")
            )
    # Workload (issue 18): the department tree with each node's open work and cards, and the
    # workload per official of one department.
    page(
        "supervision workload (tree)",
        "supervisor",
        "/supervision/workload/",
        lambda r: expect(r, contains="department-tree"),
        target=PAGE_TARGETS["supervision"],
    )
    from accounts.models import OfficialPosition

    busiest = (
        OfficialPosition.objects.filter(role="reviewer").values_list("department_id", flat=True)
    ).first()
    if busiest is not None:
        page(
            "supervision workload (a department's officials)",
            "supervisor",
            f"/supervision/workload/?department={busiest}",
            lambda r: expect(r, contains="official-workload"),
            target=PAGE_TARGETS["supervision"],
        )
    # The catalogue's search (issue 18): a synonym ("开饭店", a keyword of the food licence in the
    # demo catalogue: a database seeded before the keywords existed finds nothing), words of a
    # name, pinyin initials, English.
    searches = (
        ("开饭店", "开饭店"),
        ("食品经营", "食品经营"),
        ("spjy", "spjy"),
        ("food", "food licence"),
    )
    for name, words in searches:
        page(
            f"service search ({name})",
            "citizen",
            "/services/?" + urlencode({"q": words}),
            lambda r: expect(r, pattern=r'href="/services/[^"/]+/"'),
        )
    page(
        "statistics export",
        "supervisor",
        "/supervision/export.csv",
        lambda r: expect(r, contains="level,name,received"),
    )
    page(
        "admin audit list",
        "supervisor",
        "/admin/audit/auditevent/",
        lambda r: expect(r, contains='id="result_list"'),
    )
    return figures, picked


# --- Submissions --------------------------------------------------------------------------------

# Services a natural person applies for, with the demo's answers (demo/applications.py).
# Services whose forms need a repeating group (MED-LIC's staff, FOOD-LIC's staff, …) are left out:
# the API's step endpoint takes a JSON list of objects as a multiple choice and answers 400.
SUBMISSION_SERVICES = ("IND-REG", "AD-PERMIT")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _answers() -> dict[str, dict[str, dict]]:
    from demo import applications as demo

    return {
        "IND-REG": dict(demo.INDIVIDUAL_BUSINESS),
        "AD-PERMIT": dict(demo.ADVERTISING),
    }


def _submission_citizens(limit: int):
    """Citizens with a registry record (their forms prefill) and no official position."""
    from accounts.models import PopulationRecord, User

    ids = PopulationRecord.objects.values("id_number")
    return list(
        User.objects.filter(
            is_active=True, person__id_number__in=ids, positions__isnull=True
        ).order_by("pk")[:limit]
    )


def _run_parallel(jobs: list, worker, clients: int) -> list:
    """Each job through ``worker`` on ``clients`` threads; results in job order."""
    results: list = [None] * len(jobs)
    todo: queue.Queue = queue.Queue()
    for index, job in enumerate(jobs):
        todo.put((index, job))

    def run():
        while True:
            try:
                index, job = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = worker(job)
            except Exception as error:  # noqa: BLE001 (reported per job, counted as a failure)
                results[index] = error

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def prepare_draft(job) -> int:
    """A draft created, filled step by step and given its materials, all through the API."""
    client, code, schema, materials, answers, png = job
    reply = client.send_json("POST", "/api/v1/applications/", {"service": code})
    if reply.status != 201:
        raise BenchError(f"create {code}: {reply.status} {reply.text[:200]}")
    draft = reply.json()
    pk, revision, data = draft["id"], draft["revision"], draft.get("data") or {}
    for step in schema["x-steps"]:
        values = {key: data[key] for key in step["fields"] if key in data}
        values.update(answers.get(step["key"], {}))
        reply = client.send_json(
            "PUT",
            f"/api/v1/applications/{pk}/steps/{step['key']}/",
            {"values": values, "revision": revision},
        )
        if reply.status != 200:
            raise BenchError(f"step {step['key']}: {reply.status} {reply.text[:300]}")
        revision = reply.json()["revision"]
    for key in materials:
        reply = client.upload(
            f"/api/v1/applications/{pk}/attachments/",
            {"material_key": key},
            f"{key}.png",
            png,
            "image/png",
        )
        if reply.status != 201:
            raise BenchError(f"material {key}: {reply.status} {reply.text[:200]}")
    return pk


def measure_submissions(scale, port, *, submissions: int, clients: int) -> list:
    from approvals.models import Application, ServiceVersion
    from benchmarks.subjects import personal_token

    citizens = _submission_citizens(limit=max(clients * 2, 32))
    if not citizens:
        return [
            figure("submissions", scale, note="not measured: no citizen with a registry record")
        ]
    tokens = [Client(port, token=personal_token(user)) for user in citizens]
    answers, png = _answers(), _png()
    services = {}
    for code in SUBMISSION_SERVICES:
        version = ServiceVersion.objects.filter(item__code=code, status="published").first()
        if version is not None:
            materials = [m.key for m in version.materials.order_by("position", "pk") if m.required]
            services[code] = (version.form_schema, materials)
    jobs = []
    for index in range(submissions):
        code = list(services)[index % len(services)]
        schema, materials = services[code]
        client = tokens[index % len(tokens)]
        jobs.append((client, code, schema, materials, answers[code], png))

    print(
        f"  preparing {submissions} drafts of {', '.join(services)} through the API "
        f"({len(tokens)} citizens, {clients} clients)…",
        flush=True,
    )
    started = time.perf_counter()
    prepared = _run_parallel(jobs, prepare_draft, clients)
    failures = [r for r in prepared if isinstance(r, Exception)]
    drafts = [(job[0], pk) for job, pk in zip(jobs, prepared, strict=True) if isinstance(pk, int)]
    print(
        f"  {len(drafts)} drafts ready in {time.perf_counter() - started:.1f} s"
        + (f"; {len(failures)} failed, first: {failures[0]}" if failures else ""),
        flush=True,
    )
    if not drafts:
        return [figure("submissions", scale, note=f"not measured: drafts failed: {failures[0]}")]

    def submit(job):
        client, pk = job
        return pk, client.request(
            "POST",
            f"/api/v1/applications/{pk}/submit/",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

    started = time.perf_counter()
    replies = _run_parallel(drafts, submit, clients)
    wall = time.perf_counter() - started
    errors = [r for r in replies if isinstance(r, Exception)]
    answered = [r for r in replies if not isinstance(r, Exception)]
    acknowledged = [pk for pk, reply in answered if 200 <= reply.status < 300]
    refused = [reply.status for _pk, reply in answered if not 200 <= reply.status < 300]
    samples = [reply.ms for _pk, reply in answered]
    queries = [reply.queries for _pk, reply in answered if reply.queries is not None]
    stored = Application.objects.filter(
        pk__in=acknowledged, status="submitted", submitted_at__isnull=False
    ).exclude(tracking_number="")
    stored_count = stored.count()
    stored_any = Application.objects.filter(
        pk__in=[pk for _c, pk in drafts], submitted_at__isnull=False
    ).count()
    withdrawn = withdraw_bench_submissions(acknowledged)
    note = (
        f"{len(drafts)} drafts ({', '.join(services)}), {clients} concurrent clients, "
        f"wall {wall:.2f} s; {len(acknowledged)} acknowledged"
        + (f", {len(refused)} refused {sorted(set(refused))}" if refused else "")
        + (f", {len(errors)} connection errors" if errors else "")
        + f"; {withdrawn} withdrawn afterwards"
    )
    print(f"  submissions: {note}", flush=True)
    return [
        figure(
            "submissions throughput",
            scale,
            value=len(acknowledged) / wall,
            unit="/s",
            target=Target("value", ">=", 200, "/s"),
            note=note,
        ),
        figure(
            "submission latency",
            scale,
            samples_ms=samples,
            queries=max(queries) if queries else None,
            target=Target("p95_ms", "<=", 150, "ms"),
            note=note,
        ),
        stats.Figure(
            name="submissions acknowledged = stored",
            scale=scale,
            value=stored_count,
            unit=f"stored of {len(acknowledged)} acknowledged",
            target="stored = acknowledged, none stored unacknowledged",
            met=stored_count == len(acknowledged) == stored_any and not errors,
            note=f"submitted in the database among all {len(drafts)} drafts: {stored_any}",
        ),
    ]


def withdraw_bench_submissions(pks: list[int]) -> int:
    """Withdraw the benchmark's submissions (through the service, audited as any withdrawal), so
    that the next run's intake queue and deadline catch-up see the seeded data, not the
    submissions of earlier runs piling up at the window."""
    from approvals.models import Application
    from approvals.services.applications import application_withdraw

    count = 0
    for application in Application.objects.filter(pk__in=pks, status="submitted").select_related(
        "person__user"
    ):
        application_withdraw(
            actor=application.person.user,
            application=application,
            reason="make bench: a benchmark submission, withdrawn after measuring",
        )
        count += 1
    return count


# --- In-process: the guardian baseline, the sweep, the audit chain ------------------------------


def _timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: connection, plans, caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_guardian(scale, user, runs: int) -> list:
    """The reviewer's first queue page through the project's selector, and the same page through
    django-guardian's generic ``get_objects_for_user`` (the tasks of the applications the user
    holds ``view_application`` on, directly or through a group), each evaluated (rows and count)."""
    from django.core.paginator import Paginator
    from guardian.shortcuts import get_objects_for_user

    from approvals.models import Application, ReviewTask
    from approvals.selectors.tasks import QUEUE_PAGE_SIZE, department_queue

    def selector():
        result = department_queue(user)
        return list(result.page.object_list), result.page.paginator.count

    def generic():
        applications = get_objects_for_user(
            user, "approvals.view_application", klass=Application, accept_global_perms=False
        )
        rows = (
            ReviewTask.objects.filter(status="open", application__in=applications)
            .select_related("application__service_version__item", "department", "assignee")
            .order_by("due_on", "pk")
        )
        page = Paginator(rows, QUEUE_PAGE_SIZE).page(1)
        return list(page.object_list), page.paginator.count

    ours = figure("queue selector (in-process)", scale, samples_ms=_timed(selector, runs))
    theirs = figure("guardian get_objects_for_user", scale, samples_ms=_timed(generic, runs))
    ratio = theirs.p50_ms / ours.p50_ms if ours.p50_ms else None
    return [
        ours,
        theirs,
        figure(
            "guardian p50 / selector p50",
            scale,
            value=ratio,
            unit="×",
            target=Target("value", ">=", 100, "×"),
            note=f"user {user.email}; department_queue(user) first page vs get_objects_for_user",
        ),
    ]


def measure_sweep(scale, *, catch_up: int) -> list:
    """Steady state: the sweep run twice, the second timed (what beat sees every minute). Catch-up:
    the sweep as of a later day, so that the applications waiting at the window with the earliest
    intake due dates (about ``catch_up`` of them: a whole day's worth) are due for deemed
    acceptance (Art. 32), inside a transaction rolled back at the end, so that the seeded data
    stays as it was for the next run."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from approvals.models import Application
    from approvals.services.sweep import sweep_deadlines

    sweep_deadlines()
    started = time.perf_counter()
    report = sweep_deadlines()
    steady = time.perf_counter() - started
    figures = [
        figure(
            "sweep, steady state",
            scale,
            value=steady * 1000,
            unit="ms",
            target=Target("value", "<=", 1000, "ms"),
            note=f"second run of sweep_deadlines(); changed: {report.changed}",
        )
    ]
    waiting = Application.objects.filter(status="submitted", intake_due_on__isnull=False)
    latest = waiting.aggregate(latest=Max("intake_due_on"))["latest"]
    if latest is None:
        figures.append(figure("sweep, catch-up", scale, note="not measured: none waiting"))
        return figures
    # At most ``catch_up`` of them (about a day's worth): the catch-up the sweep meets after an
    # outage of a day. Set-based: its statements are counted, and do not grow with the number.
    nth = list(
        waiting.order_by("intake_due_on").values_list("intake_due_on", flat=True)[
            catch_up - 1 : catch_up
        ]
    )
    latest = nth[0] if nth else latest
    day = max(latest, timezone.localdate()) + dt.timedelta(days=1)
    due = waiting.filter(intake_due_on__lt=day).count()

    class Rollback(Exception):
        pass

    statements = 0

    def counted(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(counted):
            started = time.perf_counter()
            report = sweep_deadlines(today=day)
            catch_up_s = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    figures.append(
        figure(
            "sweep, catch-up",
            scale,
            value=catch_up_s * 1000,
            unit="ms",
            queries=statements,
            note=(
                f"as of {day}: {due} applications due for deemed acceptance, "
                f"{len(report.deemed_accepted)} deemed accepted in "
                f"{catch_up_ms_each(catch_up_s, len(report.deemed_accepted))}, "
                f"{statements} statements (rolled back)"
            ),
        )
    )
    return figures


def catch_up_ms_each(seconds: float, count: int) -> str:
    return f"{seconds * 1000 / count:.0f} ms each" if count else "no time each"


def measure_verify(scale) -> list:
    from audit.chain import verify_chain
    from audit.models import AuditEvent

    events = AuditEvent.objects.count()
    started = time.perf_counter()
    problem = verify_chain()
    seconds = time.perf_counter() - started
    return [
        figure(
            "verify_audit",
            scale,
            value=events / seconds if seconds else None,
            unit="events/s",
            target=Target("value", ">=", 200_000, "events/s"),
            note=f"verify_chain(): {events} events in {seconds:.2f} s; "
            + ("intact" if problem is None else f"BROKEN: {problem}"),
        )
    ]


# --- The run ------------------------------------------------------------------------------------


def volume() -> dict:
    from accounts.models import PersonProfile
    from approvals.models import Application, ReviewTask
    from audit.models import AuditEvent

    return {
        "applications": Application.objects.count(),
        "review_tasks": ReviewTask.objects.count(),
        "open_tasks": ReviewTask.objects.filter(status="open").count(),
        "audit_events": AuditEvent.objects.count(),
        "citizens": PersonProfile.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 30)))
    parser.add_argument(
        "--submissions", type=int, default=int(os.environ.get("BENCH_SUBMISSIONS", 160))
    )
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 16)))
    parser.add_argument("--subjects", type=Path, default=None)
    parser.add_argument("--catch-up", type=int, default=int(os.environ.get("BENCH_CATCH_UP", 500)))
    args = parser.parse_args()
    args.requests = max(1, min(args.requests, 500))
    args.submissions = max(0, min(args.submissions, 5000))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from benchmarks.prepare import subjects_path
    from benchmarks.subjects import pick_subjects

    sizes = volume()
    print(f"Scale {args.scale}: {sizes}", flush=True)
    subjects = pick_subjects(args.subjects or subjects_path(args.scale))
    for role, subject in subjects.items():
        print(f"  {role:<16} {subject.user.email} ({subject.source})")

    figures: list = []
    log = args.out.with_suffix(".gunicorn.log")
    env = {
        # Rate limits shared by the workers, as in production with several workers; the per-user
        # limit raised, or the few demo citizens would meet it and the run would measure 429s.
        "API_THROTTLE_USER": "1000000/minute",
    }
    with Gunicorn(workers=WORKERS, env=env, log_path=str(log)) as server:
        print(f"gunicorn ({WORKERS} workers) on 127.0.0.1:{server.port}", flush=True)
        page_figures, picked = measure_pages(args.scale, server.port, subjects, args.requests)
        figures += page_figures
        if not PAGE_SELECTION:
            figures += measure_submissions(
                args.scale, server.port, submissions=args.submissions, clients=args.clients
            )
    if not PAGE_SELECTION:
        if "reviewer" in subjects:
            figures += measure_guardian(args.scale, subjects["reviewer"].user, runs=args.requests)
        figures += measure_sweep(args.scale, catch_up=max(1, min(args.catch_up, 100_000)))
        figures += measure_verify(args.scale)

    run = {
        "scale": args.scale,
        "volume": sizes,
        "subjects": {role: s.user.email for role, s in subjects.items()},
        "subjects_from": sorted({s.source for s in subjects.values()}),
        "picked": picked,
        "pages_selected": PAGE_SELECTION,
        "requests_per_page": args.requests,
        "machine": f"{platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}",
        "load_average": os.getloadavg(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"run": run, "figures": [f.as_dict() for f in figures]}, ensure_ascii=False, indent=2
        )
    )
    print(stats.table([f.as_dict() for f in figures]))


if __name__ == "__main__":
    main()
