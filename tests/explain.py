"""Ask PostgreSQL how it runs a query, and assert it uses indexes (issue 12).

    from tests.explain import assert_no_seq_scan, captured_selects

    assert_no_seq_scan(Application.objects.filter(...), ["approvals_application"])

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for sql in captured_selects(captured):
        assert_no_seq_scan(sql, ["approvals_application", "approvals_reviewtask"])

A query is a QuerySet, an SQL string (as ``CaptureQueriesContext`` records it, parameters
inlined) or an ``(sql, params)`` pair. PostgreSQL only: callers skip elsewhere (``requires_
postgresql``). Seed enough rows and ``analyze()`` first: on a nearly empty table a sequential
scan is the right plan and proves nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pytest
from django.db import connection
from django.db.models import QuerySet

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)


def _sql_and_params(query) -> tuple[str, tuple | list | None]:
    if isinstance(query, QuerySet):
        return query.query.sql_with_params()
    if isinstance(query, tuple):
        return query
    return query, None


def explain(query, *, analyze: bool = False) -> dict:
    """The plan of ``query``: the root of ``EXPLAIN (FORMAT JSON)`` (with ``analyze``, it runs)."""
    sql, params = _sql_and_params(query)
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        document = cursor.fetchone()[0]
    if isinstance(document, str):  # a driver that does not decode json
        document = json.loads(document)
    return document[0]["Plan"]


def plan_nodes(plan: dict) -> Iterator[dict]:
    """Every node of a plan, depth first (init plans and subplans included)."""
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def seq_scanned(query) -> set[str]:
    """The tables ``query`` reads with a sequential scan."""
    return {
        node["Relation Name"]
        for node in plan_nodes(explain(query))
        if node["Node Type"] == "Seq Scan"
    }


def assert_no_seq_scan(query, tables: Iterable[str]) -> None:
    """Fail when ``query`` reads any of ``tables`` with a sequential scan (the message shows the
    query and the plan's tables)."""
    tables = set(tables)
    scanned = seq_scanned(query) & tables
    if scanned:
        sql, _params = _sql_and_params(query)
        pytest.fail(f"sequential scan of {sorted(scanned)} in:\n{sql}", pytrace=False)


def captured_selects(captured) -> list[str]:
    """The reads a ``CaptureQueriesContext`` recorded (the plans worth checking; writes go by
    primary key)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def analyze(*tables: str) -> None:
    """Refresh the planner's statistics for ``tables`` (rows just inserted in the test's own
    transaction count too)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
