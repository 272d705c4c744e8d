"""A small HTTP client for loopback only, and gunicorn started and stopped for one scale.

Each request is timed from sending to the last byte of the body. Requests go to 127.0.0.1 with
``X-Forwarded-Proto: https``, as production's load balancer would send them (benchmarks.settings).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

from benchmarks.middleware import HEADER as QUERIES_HEADER
from benchmarks.middleware import WORKER_HEADER

HOST = "127.0.0.1"


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict
    ms: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERIES_HEADER.lower())
        return int(value) if value is not None else None

    @property
    def worker(self) -> str | None:
        """The gunicorn worker that served the request (its process id)."""
        return self.headers.get(WORKER_HEADER.lower())

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """One signed-in user: a session cookie or a bearer token."""

    def __init__(self, port: int, *, cookie: str = "", token: str = "", timeout: float = 120):
        self.port = port
        self.cookie = cookie
        self.token = token
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        headers: dict | None = None,
    ) -> Reply:
        sent = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookie:
            sent["Cookie"] = self.cookie
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            ms = (time.perf_counter() - started) * 1000
            return Reply(
                response.status, data, {k.lower(): v for k, v in response.getheaders()}, ms
            )
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def send_json(self, method: str, path: str, data: dict, **kwargs) -> Reply:
        return self.request(
            method,
            path,
            body=json.dumps(data).encode(),
            content_type="application/json",
            **kwargs,
        )

    def upload(self, path: str, fields: dict, filename: str, content: bytes, mime: str) -> Reply:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn portal.wsgi`` with ``workers`` sync workers on a free loopback port."""

    def __init__(
        self, *, workers: int = 4, env: dict | None = None, log_path: str, chdir: str = ""
    ):
        self.port = free_port()
        self.workers = workers
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        # Another checkout's code (benchmarks.ab_pages): gunicorn imports it from there.
        self.chdir = chdir
        if chdir:
            self.env["PYTHONPATH"] = chdir
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "portal.wsgi",
                *(["--chdir", self.chdir] if self.chdir else []),
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "300",
                "--backlog",
                "256",
            ],
            env=self.env,
            cwd=self.chdir or None,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        probe = Client(self.port, timeout=5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if probe.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
