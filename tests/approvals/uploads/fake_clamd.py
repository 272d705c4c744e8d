"""A stand-in for clamd: answers INSTREAM on 127.0.0.1 like ClamAV would, without ClamAV."""

import socket
import struct
import threading

from tests.approvals.uploads.files import EICAR


class FakeClamd:
    """A one-connection-at-a-time clamd on 127.0.0.1: reads an INSTREAM, answers like clamd."""

    def __init__(self, *, silent=False):
        self.silent = silent
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)  # so that the loop notices ``stop`` quickly
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, conn, count: int) -> bytes:
        data = b""
        while len(data) < count:
            part = conn.recv(count - len(data))
            if not part:
                raise ConnectionError("closed")
            data += part
        return data

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read_exactly(conn, 1)
                self.commands.append(command)
                body = b""
                while length := struct.unpack("!L", self._read_exactly(conn, 4))[0]:
                    body += self._read_exactly(conn, length)
                self.received.append(body)
                if self.silent:
                    self.stop.wait(5)
                    continue
                found = EICAR in body
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.server.close()
