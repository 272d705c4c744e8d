"""deploy/prometheus/alerts.yml and deploy/grafana/portal-dashboard.json use only what /metrics
exports: the test scrapes /metrics and compares every metric name their expressions use.

promtool is not installed for this (Debian's package is the whole Prometheus server, about
100 MB); the rules file is checked here for the shape Prometheus loads instead."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from approvals.models import WorkerHeartbeat
from portal import instruments

pytestmark = pytest.mark.django_db

DEPLOY = Path(settings.BASE_DIR) / "deploy"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "portal-dashboard.json"
# Series Prometheus makes itself for every scrape target.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
RULE_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}


def promql_metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (not its functions, labels or keywords)."""
    assert expr.count("(") == expr.count(")"), f"unbalanced parentheses: {expr}"
    assert expr.count("{") == expr.count("}"), f"unbalanced braces: {expr}"
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.$])[a-zA-Z_:][\w:]*", text):
        word = match.group()
        if text[match.end() :].lstrip().startswith("(") or word.lower() in PROMQL_WORDS:
            continue  # a function or aggregation, or a keyword
        names.add(word)
    return names


def test_the_name_reader_finds_metrics_and_nothing_else():
    expr = (
        'histogram_quantile(0.95, sum by (route, le) (rate(a_bucket{route=~"x|y"}[5m]))) > 1 '
        "and on(queue) b offset 1h - c unless d > bool 2e3"
    )

    assert promql_metric_names(expr) == {"a_bucket", "b", "c", "d"}


@pytest.fixture
def exported(client) -> set[str]:
    """Every name /metrics exports, with each kind of figure present."""
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        hostname="celery@a", queues="celery,pdf", pid=1, started_at=now, last_seen=now
    )
    instruments.observe_task("approvals.tasks.example", 0.1, failed=True)
    with instruments.PDF_RENDER_SECONDS.time():
        pass
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    names = set()
    for family in text_string_to_metric_families(response.content.decode()):
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
    return names


def alert_rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    rules = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group.get("name")
        rules.extend(group["rules"])
    return rules


def test_every_alert_rule_is_well_formed():
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]

    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) <= RULE_KEYS, rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert re.fullmatch(r"\d+[smhd]", rule.get("for", "0s")), rule["alert"]
        assert promql_metric_names(str(rule["expr"])), rule["alert"]


def test_the_alerts_the_operators_need_are_there():
    used = {rule["alert"]: promql_metric_names(str(rule["expr"])) for rule in alert_rules()}

    assert "portal_queue_workers" in used["PortalQueueWithoutWorker"]
    assert "portal_queue_depth" in used["PortalQueueGrowing"]
    assert "portal_audit_checkpoint_age_seconds" in used["PortalAuditCheckpointMissed"]
    assert "portal_calendar_days_left" in used["PortalCalendarEnding"]
    assert next(r for r in alert_rules() if r["alert"] == "PortalCalendarEnding")["expr"] == (
        "portal_calendar_days_left < 60"
    )
    assert "portal_cards" in used["PortalRedCardRaised"]
    assert "portal_request_duration_seconds_count" in used["PortalServerErrors"]


def test_every_metric_the_alerts_use_is_exported(exported):
    for rule in alert_rules():
        missing = promql_metric_names(str(rule["expr"])) - exported - PROMETHEUS_OWN
        assert not missing, f"{rule['alert']} uses metrics /metrics does not export: {missing}"


def dashboard_queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queries = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queries.append((panel["title"], target["expr"]))
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):
            # label_values(metric, label): the metric is the first argument
            found = re.fullmatch(r"label_values\((\w+),\s*\w+\)", query["query"])
            assert found, variable["name"]
            queries.append((variable["name"], found.group(1)))
    return queries


def test_every_dashboard_panel_uses_exported_metrics_and_every_figure_has_a_panel(exported):
    used = set()
    for title, expr in dashboard_queries():
        names = promql_metric_names(expr)
        missing = names - exported
        assert names and not missing, f"panel {title!r} uses metrics not exported: {missing}"
        used |= names
    figures = {name for name in exported if name.startswith("portal_")}
    shown = {re.sub(r"_(bucket|count|sum|total|created)$", "", name) for name in used} | used
    unshown = {
        name
        for name in figures
        if name not in shown
        and re.sub(r"_(bucket|count|sum|total|created)$", "", name) not in shown
    }
    assert not unshown, f"no panel shows {sorted(unshown)}"
