"""A FastAPI app guarded by TollgateMiddleware, behind its own bearer-token authentication, served by uvicorn on a
free port in a thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any, Dict, Optional

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from tollgate import Credits, Quota, TollgateMiddleware

GUARDS = {
    ("POST", "/generate"): Quota("sdk/calls", 1),
    ("POST", "/items/{itemId}/generate"): Quota("sdk/calls", 1),
    ("POST", "/fail"): Quota("sdk/calls", 1),
    ("POST", "/boom"): Quota("sdk/calls", 1),
    ("POST", "/render"): Credits("sdk/render", 3),
}


class BearerAuth:
    """The app's own authentication: ``Authorization: Bearer <token>`` names a user of a tenant (``tokens``); any
    other call is answered 401 by the app. A token mapped to None is a user without a tenant."""

    def __init__(self, app: Any, tokens: Dict[str, Optional[str]]):
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode()
        token = header[len("Bearer "):] if header.startswith("Bearer ") else None
        if token not in self.tokens:
            body = json.dumps({"error": "app_unauthorized"}).encode()
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
            await send({"type": "http.response.body", "body": body})
            return
        scope.setdefault("state", {})["tollgate_tenant"] = self.tokens[token]
        await self.app(scope, receive, send)


def make_app(tokens: Dict[str, Optional[str]], guards: Dict[Any, Any] = GUARDS, **tollgate: Any) -> FastAPI:
    app = FastAPI()
    app.state.runs = 0

    @app.post("/generate")
    @app.post("/items/{item_id}/generate")
    async def generate() -> Dict[str, Any]:
        app.state.runs += 1
        return {"generated": True}

    @app.post("/fail")
    async def fail() -> JSONResponse:
        app.state.runs += 1
        return JSONResponse({"error": "model_down"}, status_code=502)

    @app.post("/boom")
    async def boom() -> None:
        app.state.runs += 1
        raise RuntimeError("the endpoint failed")

    @app.post("/render")
    async def render() -> Dict[str, Any]:
        app.state.runs += 1
        return {"rendered": True}

    @app.get("/free")
    async def free() -> Dict[str, Any]:
        return {"free": True}

    # Starlette runs the middleware added last first: authentication, then Tollgate, then the endpoint.
    app.add_middleware(TollgateMiddleware, guards=guards, **tollgate)
    app.add_middleware(BearerAuth, tokens=tokens)
    return app


class AppServer:
    """Serves ``app`` with uvicorn on a free port in a thread until ``stop()``."""

    def __init__(self, app: FastAPI):
        self.app = app
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="critical", lifespan="off", backlog=256)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve(sockets=[self.socket])),
                                       daemon=True)

    def start(self) -> "AppServer":
        self.thread.start()
        until = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > until or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start within 15s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
