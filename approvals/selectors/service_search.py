"""Finding a service in the public catalogue (issue 18): ranked search over the search documents
computed at publish time, and the most used services.

The index lives in memory, one per process, and is rebuilt when the set of search documents
changes (publishing adds a document with a new, higher id and a later time; retiring deletes
one), which one aggregate over the small document table tells. Results are always read back
through the published-versions query, so a stale index can never show a retired version. A
search therefore costs the same few queries whatever the size of the catalogue.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from django.db.models import Count, Max, Sum

from accounts.models import Department
from approvals.domain.china_time import china_today
from approvals.domain.service_search import SearchIndex
from approvals.models import Application, ServiceSearchDocument, ServiceVersion, StatisticsDay
from approvals.selectors.catalogue import published_versions

MOST_USED_DAYS = 90
MAX_RESULTS = 50

_lock = threading.Lock()
_cached: tuple[tuple, SearchIndex] | None = None


def search_index() -> SearchIndex:
    """The index of the published catalogue, rebuilt when a version was published or retired
    since it was built."""
    global _cached
    stamp = tuple(
        ServiceSearchDocument.objects.aggregate(
            count=Count("id"), last=Max("id"), built=Max("built_at")
        ).values()
    )
    with _lock:
        if _cached is None or _cached[0] != stamp:
            documents = dict(ServiceSearchDocument.objects.values_list("version_id", "entries"))
            _cached = (stamp, SearchIndex(documents))
        return _cached[1]


def search_services(
    *,
    query: str,
    department: Department | str | None = None,
    applicant_kind: str | None = None,
    topic: str | None = None,
    limit: int = MAX_RESULTS,
) -> list[ServiceVersion]:
    """Published versions matching ``query`` and the filters, best first; each carries
    ``search_score`` and ``matched_words`` (the words of the guide that matched, in the guide's
    own spelling: 食品经营许可 for "spjy")."""
    hits = {hit.version_id: hit for hit in search_index().search(query, limit=limit)}
    if not hits:
        return []
    versions = list(
        published_versions(
            department=department, applicant_kind=applicant_kind, topic=topic
        ).filter(pk__in=hits)
    )
    for version in versions:
        hit = hits[version.pk]
        version.search_score, version.matched_words = hit.score, hit.matched
    return sorted(versions, key=lambda v: (-v.search_score, v.item.code))


def most_used_services(
    *, limit: int = 6, days: int = MOST_USED_DAYS, today: dt.date | None = None
) -> list[ServiceVersion]:
    """The published services most applied for over the last ``days`` days, counted from real
    submissions: the supervision rollup's daily figures for the days before today, and today's
    submissions live (an index range on the day received). Each version carries ``uses``."""
    today = today or china_today()
    uses: Counter[int] = Counter()
    rolled = (
        StatisticsDay.objects.filter(day__gte=today - dt.timedelta(days=days), day__lt=today)
        .values("service_version__item_id")
        .annotate(received=Sum("received"))
    )
    for row in rolled:
        uses[row["service_version__item_id"]] += row["received"] or 0
    live = (
        Application.objects.filter(received_on=today)
        .values("service_version__item_id")
        .annotate(received=Count("id"))
    )
    for row in live:
        uses[row["service_version__item_id"]] += row["received"]
    # A few more than wanted, in case some of the most used are no longer published.
    used = {item_id: count for item_id, count in uses.most_common(limit * 3) if count > 0}
    if not used:
        return []
    versions = list(published_versions().filter(item_id__in=used))
    for version in versions:
        version.uses = used[version.item_id]
    versions.sort(key=lambda v: (-v.uses, v.item.code))
    return versions[:limit]
