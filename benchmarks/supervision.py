"""Time the supervision dashboard's selectors and pages in-process, and EXPLAIN ANALYZE their SQL.

    DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.supervision \\
        [--runs 20] [--subjects var/scale_subjects.json] [--explain var/supervision-explain.txt]

On a database seeded by ``manage.py seed_scale`` (then ``manage.py sweep_deadlines`` for the
cards and ``manage.py supervision_rollup`` for the roll-up). For each selector: p50 and the
fastest of ``--runs`` runs and its number of queries; with ``--subjects``, the same for the
dashboard, the CSV export and the public satisfaction page through Django's test client as the
seeded supervisor (a two-factor-verified session; p50 and p95). ``--explain`` writes every
query's ``EXPLAIN (ANALYZE, BUFFERS)``. Every export writes its audit event, as in real use.
"""

import argparse
import json
import os
import statistics
import time


def _timed(function, runs: int) -> list[float]:
    function()  # warm: the working-day calendar, the template cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def _supervisor_client(subjects_path: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    with open(subjects_path) as handle:
        user_id = json.load(handle)["subjects"]["supervisor"]["user_id"]
    user = User.objects.get(pk=user_id)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--subjects", help="seed_scale's subjects file: time the pages too")
    parser.add_argument("--explain", help="write EXPLAIN ANALYZE of every query to this file")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from approvals.selectors import ratings, supervision

    today = timezone.localdate()
    cases = {
        "running_tasks_by_light": supervision.running_tasks_by_light,
        "overdue_cards": supervision.overdue_cards,
        "statistics (30 days)": lambda: supervision.statistics(supervision.Period.ending(today)),
        "statistics (365 days)": lambda: supervision.statistics(
            supervision.Period.ending(today, days=365)
        ),
        "open_rectifications": ratings.open_rectifications,
        "satisfaction_by_department (365 days)": lambda: ratings.satisfaction_by_department(
            supervision.Period.ending(today, days=365)
        ),
    }
    translation.activate("en")
    explain = open(args.explain, "w") if args.explain else None  # noqa: SIM115
    print(f"{'selector':40} {'p50 ms':>8} {'min ms':>8} {'queries':>8}")
    for name, function in cases.items():
        times = _timed(function, args.runs)
        with CaptureQueriesContext(connection) as captured:
            function()
        print(f"{name:40} {statistics.median(times):8.1f} {times[0]:8.1f} {len(captured):8d}")
        if explain:
            explain.write(f"{'=' * 100}\n{name}\n")
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                explain.write(f"{'-' * 100}\n{query['sql']}\n{plan}\n")
    if explain:
        explain.close()
    if not args.subjects:
        return
    client = _supervisor_client(args.subjects)
    print(f"\n{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for url in ("/supervision/", "/supervision/export.csv", "/satisfaction/"):
        assert client.get(url).status_code == 200, url
        times = _timed(lambda url=url: client.get(url), args.runs)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"GET {url:36} {statistics.median(times):8.1f} {p95:8.1f} {len(captured):8d}")


if __name__ == "__main__":
    main()
