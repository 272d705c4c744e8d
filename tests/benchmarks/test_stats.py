"""The benchmark's pure parts: percentiles, targets, scale ratios, the results file, the table,
the per-scale database URLs and the query-count header that production never has."""

import json
import statistics

import pytest
from django.core.exceptions import MiddlewareNotUsed

from benchmarks import stats
from benchmarks.dburl import redact, scale_url
from benchmarks.load import queue_page_40
from benchmarks.middleware import QueryCountMiddleware
from benchmarks.web import Reply


def test_percentile_interpolates_between_ranks_like_statistics_inclusive():
    samples = [12.0, 3.0, 7.0, 1.0, 30.0, 8.0, 5.0, 2.0, 9.0, 4.0, 6.0]

    assert stats.percentile(samples, 50) == statistics.median(samples)
    assert stats.percentile(samples, 0) == 1.0
    assert stats.percentile(samples, 100) == 30.0
    assert stats.percentile([10.0, 20.0], 95) == pytest.approx(19.5)
    deciles = statistics.quantiles(samples, n=20, method="inclusive")
    assert stats.percentile(samples, 95) == pytest.approx(deciles[-1])


def test_percentile_refuses_what_has_no_answer():
    with pytest.raises(ValueError):
        stats.percentile([], 50)
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)


def test_a_page_figure_is_judged_on_its_p95():
    fast = stats.figure(
        "queue", 10000, samples_ms=[10.0] * 19 + [49.0], queries=12, target=stats.PAGE
    )
    slow = stats.figure("queue", 10000, samples_ms=[10.0] * 18 + [80.0, 90.0], target=stats.PAGE)

    assert (fast.p50_ms, fast.queries, fast.target, fast.met) == (10.0, 12, "p95 <= 50 ms", True)
    assert slow.met is False


def test_a_rate_is_judged_on_its_value_and_an_unmeasured_figure_is_not_judged():
    rate = stats.Target("value", ">=", 200, "/s")

    assert stats.figure("submissions", 10000, value=250.0, unit="/s", target=rate).met is True
    assert stats.figure("submissions", 10000, value=4.2, unit="/s", target=rate).met is False
    assert stats.figure("submissions", 10000, target=rate).met is None


def _page(name, scale, p95):
    return stats.figure(
        name, scale, samples_ms=[p95], queries=10, target=stats.PAGE, note=f"GET /{name}/"
    ).as_dict()


def test_ratios_compare_the_largest_scale_with_the_smallest_for_pages_measured_at_both():
    figures = [
        _page("queue", 10000, 20.0),
        _page("queue", 100000, 25.0),
        _page("queue", 1000000, 40.0),
        _page("dashboard", 10000, 10.0),
        _page("dashboard", 1000000, 12.0),
        _page("supervision", 1000000, 90.0),  # one scale only: no ratio
        stats.figure("verify_audit", 10000, value=5.0).as_dict(),  # not a page
        stats.figure("verify_audit", 1000000, value=7.0).as_dict(),
        # Timed, with queries, but not a page: the submissions' latency has no flat target.
        stats.figure("submission latency", 10000, samples_ms=[90.0], queries=60).as_dict(),
        stats.figure("submission latency", 1000000, samples_ms=[900.0], queries=60).as_dict(),
    ]

    ratios = {r.name: r for r in stats.scale_ratios(figures)}

    assert set(ratios) == {"queue p95 ratio", "dashboard p95 ratio"}
    assert ratios["queue p95 ratio"].scale == "1000000/10000"
    assert ratios["queue p95 ratio"].value == 2.0
    assert ratios["queue p95 ratio"].met is False
    assert ratios["dashboard p95 ratio"].value == 1.2
    assert ratios["dashboard p95 ratio"].met is True


def test_the_results_document_has_one_object_per_figure_with_every_key_and_is_json():
    figures = [_page("queue", 10000, 20.0), _page("queue", 1000000, 24.0)]
    figures.append(
        stats.figure(
            "PDF", None, samples_ms=[150.0], target=stats.Target("p50_ms", "<=", 200)
        ).as_dict()
    )

    document = json.loads(json.dumps(stats.results_document(figures, run={"date": "today"})))

    assert document["run"] == {"date": "today"}
    assert len(document["figures"]) == 4  # three figures and one ratio
    for item in document["figures"]:
        assert set(stats.KEYS) <= set(item)
    with pytest.raises(ValueError):
        stats.results_document([{"name": "half a figure"}], run={})


def test_the_table_has_a_line_per_figure_and_says_what_missed_its_target():
    figures = [_page("queue", 10000, 20.0), _page("supervision", 10000, 900.0)]

    lines = stats.table(figures).splitlines()

    assert lines[0].split()[:2] == ["name", "scale"]
    assert len(lines) == 4
    assert lines[2].endswith("yes") and lines[3].endswith("NO")


def test_each_scale_has_its_own_database_on_the_same_server():
    base = "postgres://portal:secret@127.0.0.1:5433/portal_bench"

    assert scale_url(base, 10000) == "postgres://portal:secret@127.0.0.1:5433/portal_bench_10000"
    assert redact(scale_url(base, 1)) == "postgres://portal:***@127.0.0.1:5433/portal_bench_1"
    with pytest.raises(SystemExit):
        scale_url("sqlite:///var/db.sqlite3", 10000)


def test_the_query_count_header_is_off_unless_the_bench_settings_turn_it_on(settings):
    with pytest.raises(MiddlewareNotUsed):
        QueryCountMiddleware(lambda request: None)
    settings.BENCH_QUERY_COUNT_HEADER = True
    assert QueryCountMiddleware(lambda request: None) is not None


class _Pager:
    """Answers the queue's pages as the numbered pager renders them (?&amp;page=N)."""

    def __init__(self, pages):
        self.pages = pages
        self.asked = []

    def get(self, path):
        self.asked.append(path)
        number = int(path.rsplit("=", 1)[1]) if "page=" in path else 1
        number = min(number, self.pages)
        links = []
        if number > 1:
            links.append(f'<a href="?&amp;page={number - 1}">Previous</a>')
        if number < self.pages:
            links.append(f'<a href="?&amp;page={number + 1}">Next</a>')
        # The language form carries the page's own address, whatever page was served.
        own = f'<input type="hidden" name="next" value="/work/queue/?page={path[-2:]}">'
        return Reply(200, ("".join(links) + own).encode(), {}, 1.0)


def test_page_40_is_asked_for_directly_and_a_shorter_queue_gives_its_last_page():
    long_queue = _Pager(120)
    short_queue = _Pager(7)

    assert queue_page_40(long_queue, long_queue.get("/work/queue/").text) == (
        "/work/queue/?page=40",
        "",
    )
    path, note = queue_page_40(short_queue, short_queue.get("/work/queue/").text)
    assert path == "/work/queue/?page=7"
    assert "7 pages" in note
    assert queue_page_40(_Pager(1), "<p>no pager</p>") == ("/work/queue/", "the queue has one page")
