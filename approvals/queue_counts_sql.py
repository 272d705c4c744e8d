"""SQL that keeps ``TaskQueueCount`` equal to the open review tasks, per database vendor.

The queue shows how many open tasks an official can see, by SLA light and by claim. Counting them
on every page read scans as many index entries as there are tasks (58,000 for a big department's
head at a million applications); the database keeps the counts instead, in the same transaction as
every change to a task, so they cannot drift from the tasks: whatever writes ``ReviewTask`` (a
service, the sweep's set-based updates, the admin, a bulk load) moves the counts with it.

Used by the migration that creates the table and by ``task_queue_counts_rebuild`` (after a bulk
load with the triggers disabled).
"""

TASKS = "approvals_reviewtask"
COUNTS = "approvals_taskqueuecount"
KEY = "department_id, role, service_item_id, sla_light, assigned"


def _service_item(row: str) -> str:
    return (
        "(SELECT sv.item_id FROM approvals_application a "
        "JOIN approvals_serviceversion sv ON sv.id = a.service_version_id "
        f"WHERE a.id = {row}.application_id)"
    )


def _key_matches(row: str) -> str:
    return (
        f"department_id = {row}.department_id AND role = {row}.role "
        f"AND service_item_id = {_service_item(row)} AND sla_light = {row}.sla_light "
        f"AND assigned = ({row}.assignee_id IS NOT NULL)"
    )


def _add(row: str, step: int) -> str:
    """Move the count of ``row``'s key by ``step`` (creating the key's row first)."""
    return (
        f"INSERT INTO {COUNTS} ({KEY}, open_count) VALUES ({row}.department_id, {row}.role, "
        f"{_service_item(row)}, {row}.sla_light, ({row}.assignee_id IS NOT NULL), 0) "
        f"ON CONFLICT ({KEY}) DO NOTHING; "
        f"UPDATE {COUNTS} SET open_count = open_count + ({step}) WHERE {_key_matches(row)};"
    )


# An update that changes none of the counted columns touches no count (no lock on a counter row).
_UNCHANGED = (
    "NEW.status = OLD.status AND NEW.department_id = OLD.department_id AND NEW.role = OLD.role "
    "AND NEW.sla_light = OLD.sla_light AND NEW.application_id = OLD.application_id "
    "AND (NEW.assignee_id IS NULL) = (OLD.assignee_id IS NULL)"
)

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS task_queue_count_insert AFTER INSERT ON {TASKS}
        WHEN NEW.status = 'open' BEGIN {_add("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS task_queue_count_delete AFTER DELETE ON {TASKS}
        WHEN OLD.status = 'open' BEGIN {_add("OLD", -1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS task_queue_count_leave AFTER UPDATE ON {TASKS}
        WHEN OLD.status = 'open' AND NOT ({_UNCHANGED}) BEGIN {_add("OLD", -1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS task_queue_count_enter AFTER UPDATE ON {TASKS}
        WHEN NEW.status = 'open' AND NOT ({_UNCHANGED}) BEGIN {_add("NEW", 1)} END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS task_queue_count_insert",
    "DROP TRIGGER IF EXISTS task_queue_count_delete",
    "DROP TRIGGER IF EXISTS task_queue_count_leave",
    "DROP TRIGGER IF EXISTS task_queue_count_enter",
]

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION task_queue_count() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND {_UNCHANGED} THEN
           RETURN NULL;
         END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
           {_add("OLD", -1)}
         END IF;
         IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'open' THEN
           {_add("NEW", 1)}
         END IF;
         RETURN NULL;
       END
       $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER task_queue_count AFTER INSERT OR UPDATE OR DELETE ON {TASKS}
        FOR EACH ROW EXECUTE FUNCTION task_queue_count()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS task_queue_count ON {TASKS}",
    "DROP FUNCTION IF EXISTS task_queue_count()",
]

CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}

# The counts from scratch, from the tasks themselves (the same in both databases).
REBUILD = [
    f"DELETE FROM {COUNTS}",
    f"""INSERT INTO {COUNTS} ({KEY}, open_count)
        SELECT t.department_id, t.role, sv.item_id, t.sla_light, (t.assignee_id IS NOT NULL),
               COUNT(*)
        FROM {TASKS} t
        JOIN approvals_application a ON a.id = t.application_id
        JOIN approvals_serviceversion sv ON sv.id = a.service_version_id
        WHERE t.status = 'open'
        GROUP BY t.department_id, t.role, sv.item_id, t.sla_light, (t.assignee_id IS NOT NULL)""",
]
