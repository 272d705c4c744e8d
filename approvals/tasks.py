"""Celery tasks of the approvals app (thin: they call the services)."""

from celery import shared_task


@shared_task(name="approvals.tasks.sweep_deadlines_task")
def sweep_deadlines_task() -> dict:
    """The periodic deadline sweep (scheduled every minute in CELERY_BEAT_SCHEDULE)."""
    from approvals.services.sweep import sweep_deadlines

    report = sweep_deadlines()
    return {
        "deemed_accepted": len(report.deemed_accepted),
        "lights_changed": report.lights_changed,
        "cards": dict(report.cards),
        "lapsed_pledges": len(report.lapsed_pledges),
    }


@shared_task(
    name="approvals.tasks.document_render_task",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def document_render_task(document_id: int) -> str:
    """Render and seal one issued document (idempotent: a rendered one is left as it is)."""
    from approvals.services.documents import document_render

    return document_render(document_id=document_id).sha256


@shared_task(name="approvals.tasks.documents_render_sweep_task")
def documents_render_sweep_task() -> int:
    """Queue again documents whose render task was lost (every five minutes)."""
    from approvals.services.documents import documents_render_sweep

    return len(documents_render_sweep())
