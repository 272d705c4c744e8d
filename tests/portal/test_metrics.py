"""/metrics: the figures operators alert on, in Prometheus' text format, for allowed addresses
only."""

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from approvals.models import SupervisionCard
from portal import instruments
from tests.factories import ApplicationFactory, DepartmentFactory, ReviewTaskFactory

pytestmark = pytest.mark.django_db

FIGURES = {
    "portal_request_duration_seconds",
    "portal_task_duration_seconds",
    "portal_task_failures",  # (the parser names a counter without its _total)
    "portal_pdf_render_seconds",
    "portal_open_tasks",
    "portal_cards",
    "portal_deemed_acceptances",
    "portal_audit_events_since_checkpoint",
    "portal_calendar_days_left",
    "portal_queue_depth",
    "portal_worker_heartbeat_age_seconds",
    "portal_queue_oldest_task_seconds",
    "portal_queue_workers",
    "portal_audit_checkpoint_age_seconds",
}


def scrape(client) -> dict:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        family.name: family for family in text_string_to_metric_families(response.content.decode())
    }


def value(families, name: str, **labels) -> float:
    return sum(
        sample.value
        for sample in families[name].samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def test_every_figure_is_there(client):
    instruments.observe_task("approvals.tasks.example", 0.1, failed=True)
    with instruments.PDF_RENDER_SECONDS.time():
        pass
    client.get("/healthz")

    assert set(scrape(client)) >= FIGURES


def test_only_allowed_addresses_may_read_them(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404

    settings.METRICS_ALLOWED_NETWORKS = metrics_networks("203.0.113.0/24")
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200


def metrics_networks(text: str):
    import ipaddress

    return [ipaddress.ip_network(part) for part in text.split(",")]


def test_a_red_card_and_open_tasks_show_by_department(client):
    department = DepartmentFactory(code="city-market")
    application = ApplicationFactory(under_review=True)
    task = ReviewTaskFactory(application=application, department=department, light="red")
    before = value(scrape(client), "portal_cards", department="city-market", colour="red")

    SupervisionCard.objects.create(
        application=application,
        task=task,
        department=department,
        colour="red",
        reason="overdue",
        issued_on=timezone.localdate(),
    )

    after = scrape(client)
    assert value(after, "portal_cards", department="city-market", colour="red") == before + 1
    assert value(after, "portal_open_tasks", department="city-market", light="red") == 1


def test_the_depth_of_each_queue_on_the_embedded_broker(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    for number in range(3):
        (tmp_path / f"1_{number}.pdf.msg").write_text("{}")
    (tmp_path / "1_9.celery.msg").write_text("{}")

    families = scrape(client)

    assert value(families, "portal_queue_depth", queue="pdf") == 3
    assert value(families, "portal_queue_depth", queue="celery") == 1


def test_a_worker_that_stopped_beating_shows_in_the_heartbeat_age(client):
    """A killed or frozen worker no longer rewrites its heartbeat: its age, and the age of the
    freshest heartbeat of its queues, grow until someone looks."""
    from datetime import timedelta

    from approvals.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        hostname="celery@alive", queues="celery", pid=1, started_at=now, last_seen=now
    )
    WorkerHeartbeat.objects.create(
        hostname="celery@killed",
        queues="pdf",
        pid=2,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(minutes=10),
    )

    families = scrape(client)

    assert value(families, "portal_worker_heartbeat_age_seconds", worker="celery@killed") >= 600
    assert value(families, "portal_worker_heartbeat_age_seconds", worker="celery@alive") < 60
    assert value(families, "portal_queue_heartbeat_age_seconds", queue="pdf") >= 600
    assert value(families, "portal_queue_heartbeat_age_seconds", queue="celery") < 60
    # what the PortalQueueWithoutWorker alert fires on (deploy/prometheus/alerts.yml)
    assert value(families, "portal_queue_workers", queue="pdf") == 0
    assert value(families, "portal_queue_workers", queue="celery") == 1
    assert "portal_queue_oldest_task_seconds" in families
