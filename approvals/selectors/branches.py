"""Lists read as a union of disjoint branches, one per visibility rule.

A visibility rule written as one ``OR`` (my department's tasks, or those assigned to me, or those
granted to me) keeps PostgreSQL off the indexes that match the list's order: it collects every
visible row and sorts them, so a page costs as much as the whole list. Written as disjoint
branches, each a plain filter on the leading columns of one index, each branch reads its index in
the list's order and stops after ``offset + limit`` rows; the union of those few rows is sorted
once more for the page. A page then costs the same whatever the size of the table (DESIGN.md §3,
"Scale").

Each branch carries its own ``ORDER BY ... LIMIT`` in a subquery of its own: PostgreSQL 15 does
not merge the ordered index scans of a plain ``UNION ALL`` (it sorts everything the branches
hold), and SQLite refuses parentheses around the members of a compound select, so each member is
``SELECT * FROM (branch) AS bN``, which both accept.

The branches must be disjoint: a row visible through two rules belongs to one branch only (the
others exclude it), so ``UNION ALL`` needs no de-duplication.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from approvals.db.statement_shapes import rows_by_shape


def _compiled(queryset: QuerySet) -> tuple[str, tuple] | None:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:  # a branch such as ``pk__in=[]`` that can match nothing
        return None


def _union(branches: Sequence[QuerySet]) -> tuple[str, list] | None:
    """``branches`` (querysets of the same columns) as one ``UNION ALL``, each in a subquery."""
    parts, params = [], []
    for number, branch in enumerate(branches):
        compiled = _compiled(branch)
        if compiled is not None:
            # The branch's SQL comes from Django's compiler, its values as parameters.
            parts.append(f"SELECT * FROM ({compiled[0]}) AS b{number}")  # noqa: S608
            params.extend(compiled[1])
    if not parts:
        return None
    return " UNION ALL ".join(parts), params


def _column(model, name: str) -> str:
    """The name under which a branch's ``values_list`` returns field ``name`` (its attname)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return field.attname


def _ordered_union_sql(
    branches: Sequence[QuerySet], *, order: Sequence[str], offset: int, limit: int
) -> tuple[str, list] | None:
    """The statement selecting the primary keys of the rows of ``branches``, sorted by ``order``,
    ``limit`` rows from ``offset``, with its parameters; ``None`` when no branch can match a
    row. No branch reads more than ``offset + limit`` rows of its index."""
    if not branches or limit <= 0:
        return None
    model = branches[0].model
    pk_column = model._meta.pk.attname
    columns = [pk_column]
    for name in order:
        column = _column(model, name.lstrip("-"))
        if column not in columns:
            columns.append(column)
    union = _union(
        [branch.order_by(*order).values_list(*columns)[: offset + limit] for branch in branches]
    )
    if union is None:
        return None
    sql, params = union
    quote = connections[branches[0].db].ops.quote_name
    order_sql = ", ".join(
        f"{quote(_column(model, name.lstrip('-')))} {'DESC' if name.startswith('-') else 'ASC'}"
        for name in order
    )
    # The names are the model's own columns.
    statement = (
        f"SELECT {quote(pk_column)} FROM ({sql}) AS branches "  # noqa: S608
        f"ORDER BY {order_sql} LIMIT %s OFFSET %s"
    )
    return statement, [*params, limit, offset]


def ordered_union_rows(
    branches: Sequence[QuerySet],
    rows: QuerySet,
    *,
    order: Sequence[str],
    offset: int,
    limit: int,
) -> list:
    """The rows of ``branches``, sorted by ``order`` (local fields of the model, ``-`` for
    descending; end with the primary key for a stable order), ``limit`` rows from ``offset``,
    loaded from ``rows`` (which adds the joins a page shows). One statement: the page's keys are
    a subquery of the read that loads them."""
    found = list(_page_of(branches, rows, order=order, offset=offset, limit=limit))
    return _sort_like_database(found, rows.model, order, connections[rows.db])


def _page_of(
    branches: Sequence[QuerySet], rows: QuerySet, *, order: Sequence[str], offset: int, limit: int
) -> QuerySet:
    """``rows`` narrowed to the keys of the page of ``branches`` (unsorted: see
    ``ordered_union_rows``)."""
    compiled = _ordered_union_sql(branches, order=order, offset=offset, limit=limit)
    return rows.none() if compiled is None else rows.filter(_pk_among(rows, *compiled))


def among_first_rows(rows: QuerySet, branches: Sequence[QuerySet], *, limit: int) -> QuerySet:
    """``rows`` narrowed to the first ``limit`` rows of each of ``branches`` (each ordered as
    it is; they may overlap): the branches' keys are a subquery of the statement that reads the
    rows, so that a short list of a few visibility rules costs one statement. The caller orders
    and cuts the result."""
    pk_column = rows.model._meta.pk.attname
    union = _union([branch.values_list(pk_column)[:limit] for branch in branches])
    if union is None:
        return rows.none()
    return rows.filter(_pk_among(rows, *union))


def _pk_among(rows: QuerySet, sql: str, params: list) -> RawSQL:
    """The condition "the row's key is one of those ``sql`` selects". On PostgreSQL as
    ``= ANY(ARRAY(...))``: the keys are read once, first, and the rows through the primary key's
    index. (As ``IN (...)`` the planner joins the rows' related tables before the few keys once
    they are more than its ``join_collapse_limit``, and reads the whole table.)"""
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    column = f"{quote(rows.model._meta.db_table)}.{quote(rows.model._meta.pk.column)}"
    if connection.vendor == "postgresql":
        condition = f"{column} = ANY(ARRAY({sql}))"
    else:
        condition = f"{column} IN ({sql})"
    # The statement is built from Django's compiled branches, its values as parameters.
    return RawSQL(condition, params, output_field=BooleanField())  # noqa: S611


def _sort_like_database(objects: list, model, order: Sequence[str], connection) -> list:
    """``objects`` sorted by ``order`` as the database of ``connection`` sorts them, NULLs
    included (PostgreSQL puts them last ascending, SQLite first). The lists are ordered by date,
    time and number columns, which Python compares as the database does."""
    nulls_largest = connection.features.nulls_order_largest
    for name in reversed(order):  # stable sorts, the last key first
        attname = _column(model, name.lstrip("-"))

        def key(obj, attname=attname):
            value = getattr(obj, attname)
            if value is None:
                return (1 if nulls_largest else -1, 0)
            return (0, value)

        objects.sort(key=key, reverse=name.startswith("-"))
    return objects


class Presence:
    """Whether the rows of ``branches`` (another list's, each a visibility rule) exist, answered
    by the statement that counts a list the same page shows (``union_count(..., presence=...)``):
    a page that shows the other list only when it has rows then spends no statement of its own
    on it when it has none. ``found`` is ``None`` until that statement ran."""

    def __init__(self, branches: Sequence[QuerySet]):
        self.branches = list(branches)
        self.found: bool | None = None


def union_count(
    branches: Sequence[QuerySet], *, cap: int | None = None, presence: Presence | None = None
) -> int:
    """How many rows the disjoint ``branches`` hold; with ``cap``, counting stops after ``cap``
    rows (a bounded cost for a list whose exact length does not matter past that). With
    ``presence``, the same statement also answers whether its branches hold a row (each read
    one row at most) and sets ``presence.found``."""
    exists = None
    if presence is not None:
        exists = _union(
            [
                branch.order_by().values_list(_column(branch.model, "pk"))[:1]
                for branch in presence.branches
            ]
        )
        presence.found = False if exists is None else None
    union = None
    if branches:
        pk_column = branches[0].model._meta.pk.attname
        union = _union([branch.order_by().values_list(pk_column) for branch in branches])
    if union is None and exists is None:
        return 0
    sql, params = union if union is not None else ("SELECT 1 WHERE 1 = 0", [])
    limit = " LIMIT %s" if cap is not None else ""
    statement = f"SELECT COUNT(*) FROM (SELECT 1 FROM ({sql}) AS branches{limit}) AS capped"  # noqa: S608
    params = [*params, cap] if cap is not None else list(params)
    if exists is not None:
        # Both answers in one row: the count as a scalar subquery, then whether a row exists.
        statement = f"SELECT ({statement}), EXISTS ({exists[0]})"
        params.extend(exists[1])
    connection = connections[(branches or presence.branches)[0].db]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if exists is not None:
        presence.found = bool(row[1])
    return row[0]


@dataclass(frozen=True)
class ListShape:
    """What a list's page statement is made of, for ``rows_by_shape``: ``key`` names what
    decides its SQL besides ``values`` (the ids and codes that vary from one user to the next);
    ``build(values)`` gives the list's branches and rows for any values under that key.
    ``page_size``: a shorter slice (the last page of a list, whose length differs from one
    user to the next) reads that many rows and keeps its own, so that it has the same shape as
    a whole page."""

    key: Hashable
    values: Mapping[str, int | str]
    build: Callable[[Mapping[str, int | str]], tuple[list[QuerySet], QuerySet]]
    page_size: int = 0


class BranchedRows:
    """A list read from disjoint branches, for ``django.core.paginator.Paginator`` and DRF's page
    pagination: ``count()`` comes from ``count`` (kept-up-to-date counters where they exist) and a
    slice reads only that page's rows, by ``order``, loaded from ``rows`` (which adds the joins
    the page shows) in the same statement. With ``shape`` (instead of ``branches`` and ``rows``),
    a page's statement is compiled once per shape and page (approvals/db/statement_shapes.py),
    and the branches are built only when it is not."""

    def __init__(
        self,
        branches: Sequence[QuerySet] | None = None,
        *,
        order: Sequence[str],
        rows: QuerySet | None = None,
        count: Callable[[], int],
        shape: ListShape | None = None,
    ):
        if branches is None and shape is None:
            raise TypeError("BranchedRows needs its branches and rows, or their shape")
        self._built = None if branches is None else (list(branches), rows)
        self.shape = shape
        self.order = tuple(order)
        self._count = count
        self._counted: int | None = None

    def _branches_and_rows(self) -> tuple[list[QuerySet], QuerySet]:
        if self._built is None:
            self._built = self.shape.build(self.shape.values)
        return self._built

    @property
    def branches(self) -> list[QuerySet]:
        return self._branches_and_rows()[0]

    @property
    def rows(self) -> QuerySet:
        return self._branches_and_rows()[1]

    def count(self) -> int:
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("BranchedRows supports ints and plain slices")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        limit = max(stop - start, 0)
        if self.shape is None:
            return ordered_union_rows(
                self.branches, self.rows, order=self.order, offset=start, limit=limit
            )
        if limit == 0:
            return []

        read = max(limit, self.shape.page_size)

        def page(values):
            built = values is self.shape.values
            branches, rows = self._branches_and_rows() if built else self.shape.build(values)
            return _page_of(branches, rows, order=self.order, offset=start, limit=read)

        found = rows_by_shape((self.shape.key, self.order, start, read), page, self.shape.values)
        if not found:
            return []
        model = type(found[0])
        return _sort_like_database(found, model, self.order, connections[found[0]._state.db])[
            :limit
        ]


class CappedPaginator(Paginator):
    """``Paginator`` for a list counted only up to ``cap`` (``count()`` answers at most
    ``cap + 1``): within the count it pages as usual; past it, every page number is served and a
    page knows there is a next one by reading one row more, so the whole list stays reachable
    however long it is."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = OpenEndedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class OpenEndedPage(Page):
    """A page past a ``CappedPaginator``'s count: it has a next page when a row follows it."""

    more = False

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1
