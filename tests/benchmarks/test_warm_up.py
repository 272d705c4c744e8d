"""The benchmark warms every gunicorn worker up before it measures a page: the kernel, not the
client, picks the worker that accepts each connection, so a fixed number of warm-up requests may
leave a worker whose first (cold) request is then measured."""

import itertools

from benchmarks.load import MAX_WARM_UP, WARM_UP, WORKERS, sample
from benchmarks.web import Reply


class _Server:
    """Answers each request from the next worker of ``workers`` (process ids, or None when the
    server does not say which worker served it), remembering who served what."""

    def __init__(self, workers):
        self.workers = itertools.cycle(workers)
        self.served = []

    def get(self, path):
        worker = next(self.workers)
        self.served.append(worker)
        headers = {} if worker is None else {"x-bench-worker": worker}
        return Reply(200, b"ok", headers, 1.0)


def _warm_up_requests(server) -> list:
    sample(server, "/work/queue/", requests=5, check=lambda reply: None)
    return server.served[:-5]


def test_the_warm_up_goes_on_until_every_worker_has_served_the_page_twice():
    # given the first nine connections go to one worker, the next ones to each in turn
    server = _Server(["1"] * 9 + ["1", "2", "3", "4"] * 3)

    warm_up = _warm_up_requests(server)

    assert len(warm_up) > WARM_UP
    assert {worker: warm_up.count(worker) >= 2 for worker in "1234"} == dict.fromkeys("1234", True)


def test_a_server_that_does_not_name_its_workers_is_warmed_up_the_fixed_number_of_times():
    assert len(_warm_up_requests(_Server([None]))) == WARM_UP


def test_the_warm_up_is_bounded_when_a_worker_never_answers():
    server = _Server([str(n % (WORKERS - 1)) for n in range(200)])

    assert len(_warm_up_requests(server)) == MAX_WARM_UP
