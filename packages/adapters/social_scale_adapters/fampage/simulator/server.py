"""Serve a Simulator over a real socket: a threaded wsgiref server that can cut connections.

wsgiref (not gunicorn) because a `drop` fault must really close the TCP connection after
the panel acted, and only a server whose request handler we own exposes the socket.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from social_scale_adapters.fampage.simulator import Simulator
from social_scale_adapters.fampage.simulator.app import CUT

log = logging.getLogger("social_scale.simulator")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a held or slow answer never blocks shutdown
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of more concurrent connects (every
    # request is a new HTTP/1.0 connection) overflowed it, and Linux then drops or resets
    # the handshake, so a client waited a retransmission or read ECONNRESET.
    request_queue_size = 128


class _Handler(WSGIRequestHandler):
    verbose = False

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        connection = self.connection

        def cut() -> None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # the client reads EOF, no answer

        environ[CUT] = cut
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        if self.verbose:  # through logging (one JSON line), not wsgiref's stderr text
            log.info("simulator_request", extra={"peer": self.address_string(),
                                                 "line": format % args})


class SimulatorServer:
    """A running simulator on host:port (port 0 picks a free one); `url` is the API base."""

    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0,
                 *, verbose: bool = False) -> None:
        handler = type("Handler", (_Handler,), {"verbose": verbose})
        self.simulator = simulator
        self._server = make_server(host, port, simulator.app, _ThreadingServer, handler)
        address: tuple[Any, ...] = tuple(self._server.server_address)
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/api/v2"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> SimulatorServer:
        """Serve in a daemon thread (tests); `stop()` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True,
                                        name="fampage-simulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.simulator.state.release_adds()  # no held request may outlive the server
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
