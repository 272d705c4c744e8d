"""Queueing a task when the transaction commits, without making a broker outage the user's error.

The state change is committed before the task is published; if the broker cannot take the message
then (stopped, unreachable, its disk gone), the request must still succeed, since what the user
did is stored. The failure is logged, and the periodic sweeps queue the work again from the
database (``documents_render_sweep`` for PDFs, ``webhook_sweep`` for the outbox).

Services name the task they queue (``"approvals.tasks.document_render_task"``) rather than import
it: the tasks modules call the services, so a service importing its task would close an import
loop. The name is looked up in the registry of the current Celery app (the one ``shared_task``
resolves against) when the message is sent.
"""

import logging

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger("portal.queueing")


def task_named(name: str) -> Task:
    """The registered task called ``name`` (the apps' ``tasks`` modules are autodiscovered)."""
    return current_app.tasks[name]


def enqueue_on_commit(task: Task | str, *args) -> None:
    """``task.delay(*args)`` once the current transaction commits; a broker failure is logged.
    ``task`` is the task or its registered name."""
    transaction.on_commit(lambda: enqueue(task, *args))


def enqueue(task: Task | str, *args) -> None:
    if isinstance(task, str):
        task = task_named(task)
    if task.app.conf.task_always_eager:
        # In-process (tests): the task's own errors must surface; no broker is involved.
        task.delay(*args)
        return
    try:
        task.delay(*args)
    except Exception:  # any broker failure: a sweep queues the work again
        logger.exception("could not queue %s; a periodic sweep will queue it again", task.name)
