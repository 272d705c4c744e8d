"""The worker's process pool, made safe against a pool process killed at any moment.

Celery runs its prefork pool without an event loop when the broker has no asynchronous client
(kombu's filesystem transport, the embedded default). That pool (``billiard.pool.Pool``) gives all
its processes one job pipe and one result pipe, each guarded by a semaphore. An idle process waits
for work *holding* the job pipe's semaphore; killed there (``kill -9``, the OOM killer), it never
releases it, and every process the pool starts to replace it blocks on that semaphore for good:
messages are received and nothing runs.

Here the two pipes are guarded by POSIX record locks (``fcntl.lockf``) instead, which the kernel
releases when the process holding them dies. The killed process's task is then requeued (tasks
are acknowledged late and rejected when their worker is lost: ``CELERY_TASK_ACKS_LATE``,
``CELERY_TASK_REJECT_ON_WORKER_LOST``) and runs again in the replacement process. With a broker
that has an asynchronous client (Redis), Celery's own pool gives every process pipes of its own
and takes no such lock; this class changes nothing there.
"""

import fcntl
import os
import tempfile
import threading

from billiard.pool import Pool as BillardBlockingPool
from celery.concurrency.prefork import TaskPool as PreforkTaskPool


class ProcessLock:
    """A lock between the processes of one pool, released by the kernel if its holder dies.

    A record lock belongs to the process that took it, so the descriptor that the pool's processes
    inherit at fork is enough; a thread lock keeps threads of one process apart too.
    """

    def __init__(self) -> None:
        fd, path = tempfile.mkstemp(prefix="portal-pool-lock-")
        os.unlink(path)  # the open descriptor is all a lock needs
        self._fd = fd
        self._threads = threading.Lock()

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        if not self._threads.acquire(block, -1 if timeout is None else timeout):
            return False
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._threads.release()
            return False
        except BaseException:
            self._threads.release()
            raise
        return True

    def release(self) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()

    def __getstate__(self):
        raise TypeError("a ProcessLock is shared by fork only")


class BlockingPool(BillardBlockingPool):
    """billiard's pool with its pipes guarded by locks that die with their holder."""

    def _setup_queues(self) -> None:
        super()._setup_queues()
        for queue in (self._inqueue, self._outqueue):
            queue._rlock = ProcessLock()
            queue._wlock = ProcessLock()


class TaskPool(PreforkTaskPool):
    """``CELERY_WORKER_POOL``: Celery's prefork pool with the lock-safe blocking pool."""

    BlockingPool = BlockingPool
