"""A real HTTP receiver on 127.0.0.1 for the webhook tests (a thread running http.server)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """
    Records every request; ``answer(n)`` (n: the request's number, from 1)
    is the status to answer, 200 by default. ``hold`` makes a request wait
    until released (a receiver mid-answer, for the kill -9 test).
    """

    answer: Callable[[int], int] = lambda n: 200
    received: list[Received] = field(default_factory=list)
    in_flight: dict = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                msg_id = self.headers.get("webhook-id", "")
                with receiver.lock:
                    receiver.received.append(Received(dict(self.headers.items()), body))
                    number = len(receiver.received)
                    if receiver.in_flight.get(msg_id):
                        receiver.overlaps.append(msg_id)
                    receiver.in_flight[msg_id] = receiver.in_flight.get(msg_id, 0) + 1
                receiver.arrived.set()
                if receiver.hold is not None:
                    receiver.hold.wait(30)
                status = receiver.answer(number)
                with receiver.lock:
                    receiver.in_flight[msg_id] -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]

    def close(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()
