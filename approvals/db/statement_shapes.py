"""Statements compiled once per shape, run with each caller's values.

A queue's statements have the same SQL for every official of the same kind (one department and
role, say): only the values differ (the user's id, the department's id, the role). Django builds
and compiles such a statement again on every request, which at 1M cost the queue more than the
database took to plan and run it (docs/performance.md, "The queue selector, sixth round").
``rows_by_shape`` compiles a statement once per ``key`` (what decides the SQL besides the values)
and afterwards only puts the caller's values in their places among its parameters.

Where the values go is learnt, never assumed: the statement is built once with a stand-in for
each value (a negative id no row has, a string no code has) and once with the caller's values;
the stand-ins must all be parameters (no value written into the SQL), and the two compilations
must give the same SQL and the same parameters once the stand-ins are replaced by the values.
Otherwise the key is marked as not reusable and its statement is built on every call, as before.
Values are ints and strings only (a date is adapted differently by each backend).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Shapes kept per process, the least recently used forgotten first: a filter's due dates or a
# page number are part of a shape, and a caller could otherwise make any number of them. A queue
# page's shape holds ~80 KB (its compiled query), so at most ~10 MB a process.
MAX_SHAPES = 128

# Stand-ins: inside the range of a 32-bit integer column (Django answers an out-of-range id with
# "no rows" rather than a parameter), below any id; strings no code or role holds.
_STAND_IN_INT = -2_000_000_000


@dataclass(frozen=True)
class _Shape:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position among the parameters, name of the value)
    read: Callable[[list], list]  # the cursor's rows -> what iterating the queryset gives
    using: str


_NOT_REUSABLE = object()
_shapes: OrderedDict[Hashable, _Shape | object] = OrderedDict()
_lock = threading.Lock()


def rows_by_shape(
    key: Hashable, build: Callable[[Mapping[str, int | str]], QuerySet], values: Mapping
) -> list:
    """``list(build(values))``, with the statement compiled once per ``key`` (and the names of
    ``values``). ``build`` must give the same SQL for any values under one key: everything else
    that decides it (filters, page, today's bands of dates, the database) belongs in ``key``."""
    key = (key, tuple(sorted(values)))
    with _lock:
        shape = _shapes.get(key)
        if shape is not None:
            _shapes.move_to_end(key)
    if shape is _NOT_REUSABLE:
        return list(build(values))
    if shape is None:
        queryset = build(values)
        shape = _learn(queryset, build, values)
        if shape is None:  # nothing to reuse (or nothing to read): Django's own way
            return list(queryset)
        with _lock:
            _shapes[key] = shape
            while len(_shapes) > MAX_SHAPES:
                _shapes.popitem(last=False)
        if shape is _NOT_REUSABLE:
            return list(queryset)
    return _run(shape, values)


def forget_shapes() -> None:
    """Forget every compiled statement (tests; a process never needs to)."""
    with _lock:
        _shapes.clear()


def _stand_ins(values: Mapping) -> dict:
    stand_ins = {}
    for number, name in enumerate(sorted(values)):
        value = values[name]
        if type(value) is int:
            stand_ins[name] = _STAND_IN_INT - number
        elif type(value) is str:
            stand_ins[name] = f"\x1estand-in {number}\x1e"
        else:
            raise TypeError(f"a shape's value must be an int or a str: {name}={value!r}")
    return stand_ins


def _bind(params: tuple, slots: tuple, values: Mapping) -> tuple:
    bound = list(params)
    for position, name in slots:
        bound[position] = values[name]
    return tuple(bound)


def _learn(queryset: QuerySet, build: Callable, values: Mapping) -> _Shape | object | None:
    """The shape of ``queryset`` (built from ``values``), checked against a build from stand-ins;
    ``_NOT_REUSABLE`` when the check fails; ``None`` when it reads nothing."""
    read = _reader(queryset)
    if read is None:
        return _NOT_REUSABLE
    try:
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    stand_ins = _stand_ins(values)
    try:
        template = build(stand_ins)
        template_sql, template_params = template.query.get_compiler(using=template.db).as_sql()
    except Exception:  # noqa: BLE001 - a build that refuses a stand-in (a negative slice, say)
        return _NOT_REUSABLE
    template_params = tuple(template_params)
    by_value = {(type(value), value): name for name, value in stand_ins.items()}
    slots = tuple(
        (position, by_value[(type(param), param)])
        for position, param in enumerate(template_params)
        if (type(param), param) in by_value
    )
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if (
        compiler.has_composite_fields(fields)  # composite keys take a path not reproduced here
        or template_sql != sql
        or template.db != queryset.db
        or _bind(template_params, slots, values) != tuple(params)
    ):
        return _NOT_REUSABLE
    return _Shape(
        sql=sql, params=template_params, slots=slots, read=read(compiler), using=queryset.db
    )


def _reader(queryset: QuerySet) -> Callable | None:
    """How the rows of ``queryset``'s statement become what iterating it gives (model instances
    with their related rows, or tuples): Django's ``ModelIterable`` and ``ValuesListIterable``
    without their rarer paths, read from the compiler of the first call. ``None``: a queryset
    using one of those paths (prefetching, known related objects, flat or named rows, fields
    reordered), which is then built each time."""
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        return None
    if queryset._iterable_class is ModelIterable:
        return _model_reader
    if queryset._iterable_class is ValuesListIterable:
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [
            *queryset._fields,
            *(f for f in query.annotation_select if f not in queryset._fields),
        ]
        return _tuple_reader if not queryset._fields or fields == names else None
    return None


def _converted(compiler) -> Callable[[list], list]:
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(fields)
    trim = compiler.col_count if compiler.has_extra_select else None

    def convert(rows: list) -> list:
        if trim is not None:
            rows = [row[:trim] for row in rows]
        if converters:
            return list(compiler.apply_converters(rows, converters))
        return rows

    return convert


def _tuple_reader(compiler) -> Callable[[list], list]:
    convert = _converted(compiler)
    return lambda rows: [tuple(row) for row in convert(rows)]


def _model_reader(compiler) -> Callable[[list], list]:
    """``ModelIterable``'s loop, with what it works out per statement worked out once."""
    convert = _converted(compiler)
    select, klass_info = compiler.select, compiler.klass_info
    annotations = list(compiler.annotation_col_map.items())
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    db = compiler.using
    populators = get_related_populators(klass_info, select, db)

    def read(rows: list) -> list:
        found = []
        for row in convert(rows):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    return read


def _run(shape: _Shape, values: Mapping) -> list:
    with connections[shape.using].cursor() as cursor:
        cursor.execute(shape.sql, _bind(shape.params, shape.slots, values))
        rows = cursor.fetchall()
    return shape.read(rows)
