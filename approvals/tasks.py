"""Celery tasks of the approvals app (thin: they call the services)."""

from celery import shared_task

from accounts.models import User
from approvals.services.audit_trail import audit_chain_verify
from approvals.services.deadlines import deadlines_fill_unknown, deadlines_recompute_provisional
from approvals.services.deemed_renewal import deemed_renewals_sweep
from approvals.services.documents import document_render, documents_render_sweep
from approvals.services.licences import licence_expiry_reminders_send
from approvals.services.notifications import (
    notification_send_outside,
    notifications_resend_sweep,
)
from approvals.services.supervision_rollup import open_task_counts_compact, statistics_rollup
from approvals.services.sweep import sweep_deadlines
from approvals.services.theme_progress import theme_case_progress
from approvals.services.webhooks import webhook_deliver, webhook_dispatch, webhook_sweep
from audit.checkpoints import checkpoint_create
from portal.instruments import PDF_RENDER_SECONDS


@shared_task(name="approvals.tasks.sweep_deadlines_task")
def sweep_deadlines_task() -> dict:
    """The periodic deadline sweep (scheduled every minute in CELERY_BEAT_SCHEDULE)."""

    report = sweep_deadlines()
    return {
        "deemed_accepted": len(report.deemed_accepted),
        "cards": dict(report.cards),
        "lapsed_pledges": len(report.lapsed_pledges),
        "due_dates_filled": report.due_dates_filled,
    }


@shared_task(name="approvals.tasks.deadlines_fill_unknown_task")
def deadlines_fill_unknown_task() -> dict:
    """After a calendar change: compute the due dates that were beyond the calendar's end, and
    count the provisional ones again with the official schedule."""

    filled = deadlines_fill_unknown(fresh_calendar=True)
    filled.update(deadlines_recompute_provisional())
    return filled


@shared_task(name="approvals.tasks.notification_send_task")
def notification_send_task(notification_id: int, sealed_private: str = "") -> bool:
    """Email and SMS beside an in-app notification, once (idempotent)."""

    return notification_send_outside(notification_id=notification_id, sealed_private=sealed_private)


@shared_task(name="approvals.tasks.notifications_send_task")
def notifications_send_task(notification_ids: list[int]) -> int:
    """Email and SMS beside several in-app notifications of one event (``notify_many``), each
    once; how many went out now."""

    return sum(
        notification_send_outside(notification_id=notification_id)
        for notification_id in notification_ids
    )


@shared_task(name="approvals.tasks.notifications_resend_task")
def notifications_resend_task() -> dict:
    """The periodic resend of notifications whose email and SMS task was lost
    (CELERY_BEAT_SCHEDULE); idle when every notification went out."""

    report = notifications_resend_sweep()
    return {
        "queued": len(report["queued"]),
        "nothing_to_send": len(report["nothing_to_send"]),
        "given_up": report["given_up"],
    }


@shared_task(name="approvals.tasks.supervision_rollup_task")
def supervision_rollup_task() -> dict:
    """The supervision dashboard's derived tables (every five minutes in CELERY_BEAT_SCHEDULE):
    compact the open-task counts, roll up the statistics of past days that need it."""

    folded = open_task_counts_compact()
    report = statistics_rollup()
    return {"open_task_buckets": folded, "days_rolled": report.days, "rows": report.rows}


@shared_task(name="approvals.tasks.licence_expiry_reminders_task")
def licence_expiry_reminders_task() -> dict:
    """The daily sweep of the licence register (CELERY_BEAT_SCHEDULE): expiry reminders, and
    the renewals deemed granted (Art. 50)."""

    report = licence_expiry_reminders_send()
    # Art. 50: renewals left undecided past the old licence's end, on the same daily run.
    deemed = deemed_renewals_sweep()
    return {
        **{str(days): len(ids) for days, ids in report.reminded.items()},
        "deemed_renewals": len(deemed.renewed),
    }


@shared_task(name="approvals.tasks.audit_checkpoint_task")
def audit_checkpoint_task() -> dict:
    """The daily signed checkpoint of the audit chain (CELERY_BEAT_SCHEDULE)."""

    checkpoint = checkpoint_create()
    return {"sequence": checkpoint.sequence, "head_hash": checkpoint.head_hash}


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

    with PDF_RENDER_SECONDS.time():
        return document_render(document_id=document_id).sha256


@shared_task(name="approvals.tasks.documents_render_sweep_task")
def documents_render_sweep_task() -> int:
    """Queue again documents whose render task was lost (every five minutes)."""

    return len(documents_render_sweep())


@shared_task(name="approvals.tasks.webhook_dispatch_task")
def webhook_dispatch_task(event_id: int) -> int:
    """Fan one outbox event out to its subscriptions and try each delivery once."""

    delivery_ids = webhook_dispatch(event_id=event_id)
    for delivery_id in delivery_ids:
        webhook_deliver(delivery_id=delivery_id)
    return len(delivery_ids)


@shared_task(name="approvals.tasks.webhook_sweep_task")
def webhook_sweep_task() -> dict:
    """Retries that are due and fan-outs that never ran (every minute in CELERY_BEAT_SCHEDULE)."""

    return webhook_sweep()


@shared_task(name="approvals.tasks.audit_chain_verify_task")
def audit_chain_verify_task(actor_id: int) -> dict:
    """ "Verify now": walk the audit chain for the supervisor who asked (audited as they)."""

    result = audit_chain_verify(actor=User.objects.get(pk=actor_id))
    return {"intact": result.intact, "events": result.events}


@shared_task(name="approvals.tasks.theme_case_progress_task")
def theme_case_progress_task(case_id: int) -> dict:
    """After a member of a one-thing case is decided: start or stop the members waiting for it."""
    progress = theme_case_progress(case_id=case_id)
    return {"started": progress.started, "stopped": progress.stopped}
