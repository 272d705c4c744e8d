"""Queueing a task when the transaction commits, without making a broker outage the user's error.

The state change is committed before the task is published; if the broker cannot take the message
then (stopped, unreachable, its disk gone), the request must still succeed, since what the user
did is stored. The failure is logged, and the periodic sweeps queue the work again from the
database (``documents_render_sweep`` for PDFs, ``webhook_sweep`` for the outbox).
"""

import logging

from django.db import transaction

logger = logging.getLogger("portal.queueing")


def enqueue_on_commit(task, *args) -> None:
    """``task.delay(*args)`` once the current transaction commits; a broker failure is logged."""
    transaction.on_commit(lambda: enqueue(task, *args))


def enqueue(task, *args) -> None:
    if task.app.conf.task_always_eager:
        # In-process (tests): the task's own errors must surface; no broker is involved.
        task.delay(*args)
        return
    try:
        task.delay(*args)
    except Exception:  # any broker failure: a sweep queues the work again
        logger.exception("could not queue %s; a periodic sweep will queue it again", task.name)
