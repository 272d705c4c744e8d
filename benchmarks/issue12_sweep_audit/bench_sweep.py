# ruff: noqa - a rough measuring script (README.md), not application code
import os, sys, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
import portal.celery  # noqa
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from approvals.services.sweep import sweep_deadlines
from approvals.models.working_calendar import working_calendar

working_calendar()
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
explain = "explain" in sys.argv
for i in range(runs):
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        r = sweep_deadlines()
        el = time.perf_counter() - t
    print(
        f"run {i + 1}: {el:.3f}s, {len(ctx.captured_queries)} queries; deemed={len(r.deemed_accepted)} cards={r.cards} filled={r.due_dates_filled} pledges={len(r.lapsed_pledges)}"
    )
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]
    for q in slow:
        print(f"   {float(q['time']) * 1000:8.1f} ms  {q['sql'][:160]}")
if explain:
    print("\n==== EXPLAIN ANALYZE of the last run's queries")
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE")) or "FOR UPDATE" in sql:
            continue
        if "approvals_auditchainhead" in sql:
            continue
        with transaction.atomic(), connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
            plan = "\n".join(r[0] for r in c.fetchall())
            transaction.set_rollback(True)
        print("--", sql[:300])
        print(plan)
        print()
