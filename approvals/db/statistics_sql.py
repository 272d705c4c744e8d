# ruff: noqa: S608 -- SQL built from this module's own constants, never from input
"""Triggers that feed the supervision dashboard's derived tables, per database vendor.

One source for each derived figure, whatever writes the rows (services, the admin, bulk loads,
test factories):

- ``approvals_opentaskcount``: every review task that enters or leaves the open state, or
  changes due date, department, role, claim or application while open, adds -1 to the bucket it
  leaves and +1 to the one it joins (department, role, service version, due date, clock stopped,
  claimed or not); a pause that stops or restarts an application's clock moves its open tasks.
  The supervision dashboard and the officials' queue both read it, the SLA light summed over
  each band of due dates (the light changes with the day; the rows do not).
- ``approvals_statisticschange``: every application change that can move a figure of the
  statistics (status, service version, the received/accepted/decided dates, the statutory due
  date) records the days it touches, before and after; so does every rating (grade, department,
  time), with the day before and after its UTC date, one of which is its local date whatever
  the time zone.

PostgreSQL uses statement-level triggers with transition tables, so a bulk insert or one UPDATE
of thousands of due dates writes a few aggregated rows, not one per task; except for
updates of applications, which come one at a time and mostly touch other columns: a row trigger
that fires only when a column the statistics read changes. SQLite has only row-level triggers;
its writes are one at a time anyway.
"""

APPLICATION = "approvals_application"
TASK = "approvals_reviewtask"
PAUSE = "approvals_clockpause"
COUNTS = "approvals_opentaskcount"
CHANGES = "approvals_statisticschange"
RATING = "approvals_servicerating"

# A bucket of the open-task ledger, as columns of the ledger and as values of a task row. The
# SLA light is not in it (it changes with the day): the due date and the stopped clock are.
BUCKET = "department_id, role, service_version_id, due_on, clock_stopped, assigned"


def _stopped(task: str) -> str:
    """Whether the clock of ``task``'s application is stopped now (Art. 45: an open pause)."""
    return (
        f"EXISTS (SELECT 1 FROM {PAUSE} p "
        f"WHERE p.application_id = {task}.application_id AND p.ended_on IS NULL)"
    )


def _bucket_of(task: str, application: str = "a") -> str:
    return (
        f"{task}.department_id, {task}.role, {application}.service_version_id, "
        f"{task}.due_on, {_stopped(task)}, ({task}.assignee_id IS NOT NULL)"
    )


# The columns the statistics read: a change to any other column of an application logs nothing.
_APPLICATION_COLUMNS = (
    "status",
    "service_version_id",
    "received_on",
    "accepted_on",
    "decided_on",
    "decision_due_on",
)

# --- PostgreSQL ------------------------------------------------------------------------------

# What each statement-level trigger on the review tasks sees of the rows it changed.
_TRANSITION_TABLES = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _pg_task_triggers(name: str) -> list[str]:
    """After each insert, update and delete statement on the review tasks, the function
    ``approvals_<name>_<op>()`` with the statement's rows as transition tables."""
    return [
        f"""CREATE TRIGGER approvals_{name}_{op} AFTER {op.upper()} ON {TASK}
        {tables}
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_{name}_{op}()"""
        for op, tables in _TRANSITION_TABLES.items()
    ]


_PG_TASK_MOVED = """
    (o.status = 'open') IS DISTINCT FROM (n.status = 'open')
    OR (n.status = 'open' AND (o.due_on IS DISTINCT FROM n.due_on
        OR o.department_id <> n.department_id OR o.role <> n.role
        OR (o.assignee_id IS NULL) <> (n.assignee_id IS NULL)
        OR o.application_id <> n.application_id))
"""

OPEN_TASK_POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION approvals_open_task_count_insert() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {COUNTS} ({BUCKET}, tasks)
      SELECT {_bucket_of("n")}, COUNT(*)
      FROM new_rows n JOIN {APPLICATION} a ON a.id = n.application_id
      WHERE n.status = 'open'
      GROUP BY 1, 2, 3, 4, 5, 6;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_open_task_count_update() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {COUNTS} ({BUCKET}, tasks)
      SELECT {_bucket_of("moved")}, SUM(moved.tasks)
      FROM (
        SELECT o.department_id, o.role, o.application_id, o.due_on, o.assignee_id,
               -1 AS tasks
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.status = 'open' AND ({_PG_TASK_MOVED})
        UNION ALL
        SELECT n.department_id, n.role, n.application_id, n.due_on, n.assignee_id, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.status = 'open' AND ({_PG_TASK_MOVED})
      ) moved JOIN {APPLICATION} a ON a.id = moved.application_id
      GROUP BY 1, 2, 3, 4, 5, 6
      HAVING SUM(moved.tasks) <> 0;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_open_task_count_delete() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {COUNTS} ({BUCKET}, tasks)
      SELECT {_bucket_of("o")}, -COUNT(*)
      FROM old_rows o JOIN {APPLICATION} a ON a.id = o.application_id
      WHERE o.status = 'open'
      GROUP BY 1, 2, 3, 4, 5, 6;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    *_pg_task_triggers("open_task_count"),
]

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION approvals_statistics_change_insert() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM new_rows n,
        unnest(ARRAY[n.received_on, n.accepted_on, n.decided_on]) AS d
      WHERE d IS NOT NULL;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_statistics_change_update() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM unnest(ARRAY[OLD.received_on, OLD.accepted_on, OLD.decided_on,
                                          NEW.received_on, NEW.accepted_on, NEW.decided_on]) AS d
      WHERE d IS NOT NULL;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_statistics_change_delete() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM old_rows o,
        unnest(ARRAY[o.received_on, o.accepted_on, o.decided_on]) AS d
      WHERE d IS NOT NULL;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER approvals_statistics_change_insert AFTER INSERT ON {APPLICATION}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_statistics_change_insert()""",
    # Row by row, and only when a column the statistics read changes: an application is
    # updated one at a time and often (drafts saved as they are typed), mostly in other columns.
    f"""CREATE TRIGGER approvals_statistics_change_update
        AFTER UPDATE OF {", ".join(_APPLICATION_COLUMNS)} ON {APPLICATION}
        FOR EACH ROW WHEN (
          ({", ".join(f"OLD.{c}" for c in _APPLICATION_COLUMNS)})
          IS DISTINCT FROM ({", ".join(f"NEW.{c}" for c in _APPLICATION_COLUMNS)}))
        EXECUTE FUNCTION approvals_statistics_change_update()""",
    f"""CREATE TRIGGER approvals_statistics_change_delete AFTER DELETE ON {APPLICATION}
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_statistics_change_delete()""",
]


def _pg_rating_days(row: str) -> str:
    utc = f"({row}.created_at AT TIME ZONE 'UTC')::date"
    return f"unnest(ARRAY[{utc} - 1, {utc}, {utc} + 1])"


POSTGRESQL_CREATE += [
    f"""CREATE OR REPLACE FUNCTION approvals_rating_change_insert() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM new_rows n, {_pg_rating_days("n")} AS d;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_rating_change_update() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM old_rows o JOIN new_rows n ON n.id = o.id,
        LATERAL (SELECT {_pg_rating_days("o")} UNION SELECT {_pg_rating_days("n")}) AS days(d)
      WHERE (o.grade, o.department_id, o.created_at)
            IS DISTINCT FROM (n.grade, n.department_id, n.created_at);
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_rating_change_delete() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {CHANGES} (day)
      SELECT DISTINCT d FROM old_rows o, {_pg_rating_days("o")} AS d;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER approvals_rating_change_insert AFTER INSERT ON {RATING}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_rating_change_insert()""",
    f"""CREATE TRIGGER approvals_rating_change_update AFTER UPDATE ON {RATING}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_rating_change_update()""",
    f"""CREATE TRIGGER approvals_rating_change_delete AFTER DELETE ON {RATING}
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_rating_change_delete()""",
]

_OPS = ("insert", "update", "delete")

POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS approvals_open_task_count_{op} ON {TASK}"
        for op in ("insert", "update", "delete")
    ),
    *(
        f"DROP TRIGGER IF EXISTS approvals_statistics_change_{op} ON {APPLICATION}"
        for op in ("insert", "update", "delete")
    ),
    *(f"DROP TRIGGER IF EXISTS approvals_rating_change_{op} ON {RATING}" for op in _OPS),
    *(
        f"DROP FUNCTION IF EXISTS approvals_{name}_{op}()"
        for name in ("open_task_count", "statistics_change", "rating_change")
        for op in _OPS
    ),
]

# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_bucket(row: str, sign: int) -> str:
    return f"""INSERT INTO {COUNTS} ({BUCKET}, tasks)
        SELECT {_bucket_of(row)}, {sign}
        FROM {APPLICATION} a WHERE a.id = {row}.application_id AND {row}.status = 'open';"""


OPEN_TASK_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS approvals_open_task_count_insert AFTER INSERT ON {TASK}
        WHEN NEW.status = 'open'
        BEGIN {_sqlite_bucket("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_open_task_count_update
        AFTER UPDATE OF status, due_on, department_id, role, assignee_id, application_id
        ON {TASK}
        WHEN (OLD.status = 'open' OR NEW.status = 'open') AND NOT (
          NEW.status = OLD.status AND NEW.due_on IS OLD.due_on
          AND NEW.department_id = OLD.department_id AND NEW.role = OLD.role
          AND (NEW.assignee_id IS NULL) = (OLD.assignee_id IS NULL)
          AND NEW.application_id = OLD.application_id)
        BEGIN {_sqlite_bucket("OLD", -1)} {_sqlite_bucket("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_open_task_count_delete AFTER DELETE ON {TASK}
        WHEN OLD.status = 'open'
        BEGIN {_sqlite_bucket("OLD", -1)} END""",
]


def _sqlite_days(*rows: str) -> str:
    union = " UNION ".join(
        f"SELECT {row}.{column} AS d"
        for row in rows
        for column in ("received_on", "accepted_on", "decided_on")
    )
    return f"INSERT INTO {CHANGES} (day) SELECT d FROM ({union}) WHERE d IS NOT NULL;"


SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS approvals_statistics_change_insert
        AFTER INSERT ON {APPLICATION}
        BEGIN {_sqlite_days("NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_statistics_change_update
        AFTER UPDATE OF {", ".join(_APPLICATION_COLUMNS)} ON {APPLICATION}
        WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _APPLICATION_COLUMNS)}
        BEGIN {_sqlite_days("OLD", "NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_statistics_change_delete
        AFTER DELETE ON {APPLICATION}
        BEGIN {_sqlite_days("OLD")} END""",
]


def _sqlite_rating_days(*rows: str) -> str:
    union = " UNION ".join(
        f"SELECT date({row}.created_at, '{shift}') AS d"
        for row in rows
        for shift in ("-1 day", "+0 days", "+1 day")
    )
    return f"INSERT INTO {CHANGES} (day) SELECT d FROM ({union}) WHERE d IS NOT NULL;"


SQLITE_CREATE += [
    f"""CREATE TRIGGER IF NOT EXISTS approvals_rating_change_insert AFTER INSERT ON {RATING}
        BEGIN {_sqlite_rating_days("NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_rating_change_update
        AFTER UPDATE OF grade, department_id, created_at ON {RATING}
        BEGIN {_sqlite_rating_days("OLD", "NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_rating_change_delete AFTER DELETE ON {RATING}
        BEGIN {_sqlite_rating_days("OLD")} END""",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS approvals_{name}_{op}"
    for name in ("open_task_count", "statistics_change", "rating_change")
    for op in _OPS
]

# The statistics' triggers (the open-task ledgers' are LEDGER_CREATE below, since 0033: the
# migrations before it run these around their table rebuilds on SQLite; DROP also drops the
# ledger's triggers of before 0033, which 0033 replaces).
CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}

# The open tasks as the triggers count them, for the migration's first fill and a rebuild.
OPEN_TASK_COUNTS_FILL = f"""
    INSERT INTO {COUNTS} ({BUCKET}, tasks)
    SELECT {_bucket_of("t")}, COUNT(*)
    FROM {TASK} t JOIN {APPLICATION} a ON a.id = t.application_id
    WHERE t.status = 'open'
    GROUP BY 1, 2, 3, 4, 5, 6
"""

# --- The workload per official (issue 18) ------------------------------------------------------
#
# ``approvals_officialtaskcount``: the open-task ledger's twin by (department, assignee, due
# date, clock stopped), for the workload page. Every review task that enters or leaves the open
# state, or changes department, assignee (a claim, a release, a reassignment), due date or
# application while open, adds -1 to the bucket it leaves and +1 to the one it joins; the same
# triggers on PostgreSQL (statement-level, transition tables) and SQLite (row-level).

OFFICIAL = "approvals_officialtaskcount"
OFFICIAL_BUCKET = "department_id, assignee_id, due_on, clock_stopped"


def _official_bucket_of(task: str) -> str:
    return f"{task}.department_id, {task}.assignee_id, {task}.due_on, {_stopped(task)}"


_PG_OFFICIAL_MOVED = """
    (o.status = 'open') IS DISTINCT FROM (n.status = 'open')
    OR (n.status = 'open' AND (o.due_on IS DISTINCT FROM n.due_on
        OR o.department_id <> n.department_id
        OR o.assignee_id IS DISTINCT FROM n.assignee_id
        OR o.application_id <> n.application_id))
"""

OFFICIAL_POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION approvals_official_task_count_insert() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
      SELECT {_official_bucket_of("n")}, COUNT(*) FROM new_rows n
      WHERE n.status = 'open'
      GROUP BY 1, 2, 3, 4;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    # What the statement changed, bucket by bucket, among the rows whose bucket can have moved
    # (a row whose bucket did not change nets out, and no zero is written).
    f"""CREATE OR REPLACE FUNCTION approvals_official_task_count_update() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
      SELECT {_official_bucket_of("moved")}, SUM(moved.tasks)
      FROM (
        SELECT o.department_id, o.assignee_id, o.due_on, o.application_id, -1 AS tasks
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.status = 'open' AND ({_PG_OFFICIAL_MOVED})
        UNION ALL
        SELECT n.department_id, n.assignee_id, n.due_on, n.application_id, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.status = 'open' AND ({_PG_OFFICIAL_MOVED})
      ) moved
      GROUP BY 1, 2, 3, 4
      HAVING SUM(moved.tasks) <> 0;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION approvals_official_task_count_delete() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
      SELECT {_official_bucket_of("o")}, -COUNT(*) FROM old_rows o
      WHERE o.status = 'open'
      GROUP BY 1, 2, 3, 4;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    *_pg_task_triggers("official_task_count"),
]

OFFICIAL_POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS approvals_official_task_count_{op} ON {TASK}" for op in _OPS),
    *(f"DROP FUNCTION IF EXISTS approvals_official_task_count_{op}()" for op in _OPS),
]


def _sqlite_official(row: str, sign: int) -> str:
    return f"""INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
        SELECT {_official_bucket_of(row)}, {sign} WHERE {row}.status = 'open';"""


OFFICIAL_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS approvals_official_task_count_insert AFTER INSERT ON {TASK}
        WHEN NEW.status = 'open'
        BEGIN {_sqlite_official("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_official_task_count_update
        AFTER UPDATE OF status, due_on, department_id, assignee_id, application_id ON {TASK}
        WHEN (OLD.status = 'open' OR NEW.status = 'open') AND (
          NEW.status IS NOT OLD.status OR NEW.due_on IS NOT OLD.due_on
          OR NEW.department_id IS NOT OLD.department_id
          OR NEW.assignee_id IS NOT OLD.assignee_id
          OR NEW.application_id IS NOT OLD.application_id)
        BEGIN {_sqlite_official("OLD", -1)} {_sqlite_official("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_official_task_count_delete AFTER DELETE ON {TASK}
        WHEN OLD.status = 'open'
        BEGIN {_sqlite_official("OLD", -1)} END""",
]

OFFICIAL_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS approvals_official_task_count_{op}" for op in _OPS]

# The open tasks per (department, assignee, due date, clock stopped) as the triggers count them:
# the migration's first fill and a rebuild, one grouped statement.
OFFICIAL_TASK_COUNTS_FILL = f"""
    INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
    SELECT {_official_bucket_of("t")}, COUNT(*)
    FROM {TASK} t
    WHERE t.status = 'open'
    GROUP BY 1, 2, 3, 4
"""

# --- A clock that stops or runs again (Art. 45) -------------------------------------------------
#
# Both ledgers count a task under "paused" while its application has an open pause. When a pause
# opens, closes, moves or goes and the application's clock changes between stopped and running,
# its open tasks move in both ledgers: -1 from the bucket of the clock as it was, +1 to the one
# as it is. PostgreSQL: one statement-level trigger a write to the pauses, the clock before
# worked out from the transition tables; SQLite: row triggers, the clock of an application as the
# row leaves it (deleted) and as it joins it (inserted), an update being both.

_PAUSE_APPS = {
    "insert": "SELECT application_id FROM new_rows",
    "update": "SELECT application_id FROM old_rows UNION SELECT application_id FROM new_rows",
    "delete": "SELECT application_id FROM old_rows",
}

# Whether an application's clock was stopped before the statement: an open pause then is one
# open now that the statement did not write, or one it changed or deleted.
_PG_STOPPED_BEFORE = {
    "insert": f"""EXISTS (SELECT 1 FROM {PAUSE} p WHERE p.application_id = c.id
        AND p.ended_on IS NULL AND p.id NOT IN (SELECT id FROM new_rows))""",
    "update": f"""EXISTS (SELECT 1 FROM {PAUSE} p WHERE p.application_id = c.id
        AND p.ended_on IS NULL AND p.id NOT IN (SELECT id FROM new_rows))
        OR EXISTS (SELECT 1 FROM old_rows o WHERE o.application_id = c.id
        AND o.ended_on IS NULL)""",
    "delete": f"""EXISTS (SELECT 1 FROM {PAUSE} p WHERE p.application_id = c.id
        AND p.ended_on IS NULL)
        OR EXISTS (SELECT 1 FROM old_rows o WHERE o.application_id = c.id
        AND o.ended_on IS NULL)""",
}


def _ledger_moves(moved: str) -> tuple[str, str]:
    """The inserts into both ledgers of ``moved``'s rows (a task's department_id, role,
    application_id, due_on, assignee_id, and the clock's ``paused`` and ``tasks`` +1/-1)."""
    return (
        f"""INSERT INTO {COUNTS} ({BUCKET}, tasks)
        SELECT m.department_id, m.role, a.service_version_id, m.due_on, m.paused,
               m.assignee_id IS NOT NULL, SUM(m.tasks)
        FROM {moved} m JOIN {APPLICATION} a ON a.id = m.application_id
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(m.tasks) <> 0""",
        f"""INSERT INTO {OFFICIAL} ({OFFICIAL_BUCKET}, tasks)
        SELECT m.department_id, m.assignee_id, m.due_on, m.paused, SUM(m.tasks)
        FROM {moved} m
        GROUP BY 1, 2, 3, 4 HAVING SUM(m.tasks) <> 0""",
    )


_TASK_MOVE_COLUMNS = "t.department_id, t.role, t.application_id, t.due_on, t.assignee_id"


def _pg_pause_function(op: str) -> str:
    counts, official = _ledger_moves("moved")
    return f"""CREATE OR REPLACE FUNCTION approvals_clock_ledgers_{op}() RETURNS trigger AS $$
    BEGIN
      WITH clocks AS (
        SELECT c.id, ({_PG_STOPPED_BEFORE[op]}) AS was,
               EXISTS (SELECT 1 FROM {PAUSE} p WHERE p.application_id = c.id
                       AND p.ended_on IS NULL) AS now
        FROM ({_PAUSE_APPS[op]}) AS c(id)
      ), moved AS (
        SELECT {_TASK_MOVE_COLUMNS}, s.paused, s.tasks
        FROM clocks k JOIN {TASK} t ON t.application_id = k.id AND t.status = 'open'
        CROSS JOIN LATERAL (VALUES (k.was, -1), (k.now, 1)) AS s(paused, tasks)
        WHERE k.was <> k.now
      ), counted AS ({counts})
      {official};
      RETURN NULL;
    END $$ LANGUAGE plpgsql"""


CLOCK_POSTGRESQL_CREATE = [
    *(_pg_pause_function(op) for op in _OPS),
    *(
        f"""CREATE TRIGGER approvals_clock_ledgers_{op} AFTER {op.upper()} ON {PAUSE}
        {_TRANSITION_TABLES[op]}
        FOR EACH STATEMENT EXECUTE FUNCTION approvals_clock_ledgers_{op}()"""
        for op in _OPS
    ),
]

CLOCK_POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS approvals_clock_ledgers_{op} ON {PAUSE}" for op in _OPS),
    *(f"DROP FUNCTION IF EXISTS approvals_clock_ledgers_{op}()" for op in _OPS),
]


def _sqlite_clock(row: str, stopped: bool) -> str:
    """``row`` (a pause, if open) joins (``stopped``) or leaves its application's clock: when no
    other pause of it is open, its open tasks move to or from "paused" in both ledgers."""
    was, now = (0, 1) if stopped else (1, 0)
    moved = f"""(SELECT {_TASK_MOVE_COLUMNS}, s.paused, s.tasks
        FROM {TASK} t, (SELECT {was} AS paused, -1 AS tasks UNION ALL SELECT {now}, 1) s
        WHERE t.application_id = {row}.application_id AND t.status = 'open'
          AND {row}.ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM {PAUSE} p
            WHERE p.application_id = {row}.application_id AND p.ended_on IS NULL
            AND p.id <> {row}.id))"""
    return "; ".join(_ledger_moves(moved)) + ";"


CLOCK_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS approvals_clock_ledgers_insert AFTER INSERT ON {PAUSE}
        WHEN NEW.ended_on IS NULL
        BEGIN {_sqlite_clock("NEW", stopped=True)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_clock_ledgers_update
        AFTER UPDATE OF ended_on, application_id ON {PAUSE}
        WHEN (OLD.ended_on IS NULL OR NEW.ended_on IS NULL) AND (
          OLD.ended_on IS NOT NEW.ended_on OR OLD.application_id IS NOT NEW.application_id)
        BEGIN {_sqlite_clock("OLD", stopped=False)} {_sqlite_clock("NEW", stopped=True)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS approvals_clock_ledgers_delete AFTER DELETE ON {PAUSE}
        WHEN OLD.ended_on IS NULL
        BEGIN {_sqlite_clock("OLD", stopped=False)} END""",
]

CLOCK_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS approvals_clock_ledgers_{op}" for op in _OPS]

# Everything that keeps both open-task ledgers (0033 on): the triggers on the review tasks and on
# the pauses, and the fill from the open tasks. A migration that rebuilds the review task or the
# pause table on SQLite drops LEDGER_DROP["sqlite"] before and creates LEDGER_CREATE["sqlite"]
# after (tests/approvals/review/test_workload_ledger.py checks that every trigger is there).
LEDGER_CREATE = {
    "sqlite": [*OPEN_TASK_SQLITE_CREATE, *OFFICIAL_SQLITE_CREATE, *CLOCK_SQLITE_CREATE],
    "postgresql": [
        *OPEN_TASK_POSTGRESQL_CREATE,
        *OFFICIAL_POSTGRESQL_CREATE,
        *CLOCK_POSTGRESQL_CREATE,
    ],
}
LEDGER_DROP = {
    "sqlite": [
        *(f"DROP TRIGGER IF EXISTS approvals_open_task_count_{op}" for op in _OPS),
        *OFFICIAL_SQLITE_DROP,
        *CLOCK_SQLITE_DROP,
    ],
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS approvals_open_task_count_{op} ON {TASK}" for op in _OPS),
        *(f"DROP FUNCTION IF EXISTS approvals_open_task_count_{op}()" for op in _OPS),
        *OFFICIAL_POSTGRESQL_DROP,
        *CLOCK_POSTGRESQL_DROP,
    ],
}
LEDGER_FILL = [OPEN_TASK_COUNTS_FILL, OFFICIAL_TASK_COUNTS_FILL]
