"""Numbering counters (tracking numbers, document and licence numbers): one row per sequence,
``last_value`` the last number handed out."""

from django.db import connection, models


def counter_next(
    model: type[models.Model], *, defaults: dict | None = None, count: int = 1, **lookup
) -> int:
    """The next value of the counter row of ``model`` matching ``lookup``, created with
    ``defaults`` when the sequence has none yet. ``count``: take that many numbers at once (a
    batch of documents); the last of them is returned, the first is ``last - count + 1``.

    One ``UPDATE ... RETURNING`` takes the number and locks the row until the transaction ends
    (callers keep what follows short: every submission of a service or issue of a kind waits for
    it). The first use of a sequence creates the row: get_or_create survives two first uses racing
    (the loser's insert fails on the unique constraint and it reads the winner's row).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in lookup]
    where = " AND ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    sql = (
        f"UPDATE {table} SET last_value = last_value + %s "  # noqa: S608 (names from the model)
        f"WHERE {where} RETURNING last_value"
    )
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, *lookup.values()])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        model.objects.get_or_create(**lookup, defaults=defaults or {})
    raise RuntimeError(f"no {model.__name__} row for {lookup}")
