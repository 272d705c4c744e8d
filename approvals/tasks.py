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


@shared_task(name="approvals.tasks.webhook_dispatch_task")
def webhook_dispatch_task(event_id: int) -> int:
    """Fan one outbox event out to its subscriptions and try each delivery once."""
    from approvals.api.webhooks import webhook_deliver, webhook_dispatch

    delivery_ids = webhook_dispatch(event_id=event_id)
    for delivery_id in delivery_ids:
        webhook_deliver(delivery_id=delivery_id)
    return len(delivery_ids)


@shared_task(name="approvals.tasks.webhook_sweep_task")
def webhook_sweep_task() -> dict:
    """Retries that are due and fan-outs that never ran (every minute in CELERY_BEAT_SCHEDULE)."""
    from approvals.api.webhooks import webhook_sweep

    return webhook_sweep()
