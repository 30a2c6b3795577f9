"""A tiny local HTTP server answering what a test scripts, one answer per request, and recording the requests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List


class Scripted:
    """Answers requests in order from ``answers``: ``(status, headers, body)``, or ``"drop"`` to close the connection
    without an answer, or ``"hold"`` to answer nothing until the test ends. Every request is recorded."""

    def __init__(self) -> None:
        self.answers: List[Any] = []
        self.requests: List[Dict[str, Any]] = []
        self.released = threading.Event()
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with lock:
                    outer.requests.append({"method": self.command, "path": self.path,
                                           "headers": {k.lower(): v for k, v in self.headers.items()},
                                           "body": json.loads(raw) if raw else None})
                    answer = outer.answers.pop(0) if outer.answers else (500, {}, {"title": "unscripted"})
                if answer == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if answer == "hold":
                    outer.released.wait(30)
                    self.close_connection = True
                    return
                status, headers, body = answer
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def problem(status: int, code: str, **extensions: Any) -> Dict[str, Any]:
    return {"type": f"https://tollgate.dev/problems/{code}", "title": "Problem", "status": status,
            "detail": f"a {code}", "code": code, **extensions}


CONSUMED = {"allowed": True, "limit": 10, "used": 1, "remaining": 9, "resetsAt": None, "consumeId": "cns_1"}
