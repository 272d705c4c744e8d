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


@shared_task(name="approvals.tasks.audit_checkpoint_task")
def audit_checkpoint_task() -> dict:
    """The daily signed checkpoint of the audit chain (CELERY_BEAT_SCHEDULE)."""
    from approvals.audit_checkpoint import checkpoint_create

    checkpoint = checkpoint_create()
    return {"sequence": checkpoint.sequence, "head_hash": checkpoint.head_hash}
