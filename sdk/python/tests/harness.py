"""Starts Tollgate's SDK test harness (a real silo on SQLite behind a dropping proxy) and talks to its control API."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional

REPO = Path(__file__).resolve().parents[3]
DEFAULT_DLL = REPO / "tests" / "Tollgate.Sdk.Harness" / "bin" / "Debug" / "net10.0" / "Tollgate.Sdk.Harness.dll"
START_DEADLINE = 120.0


class Harness:
    """One silo for the whole suite: ``start()`` waits for the harness's JSON line; ``stop()`` closes its stdin."""

    def __init__(self) -> None:
        self.process: Optional[subprocess.Popen] = None
        self.info: Dict[str, Any] = {}
        self.log = tempfile.NamedTemporaryFile(prefix="tollgate-sdk-harness-", suffix=".log", delete=False)

    def start(self) -> "Harness":
        dll = Path(os.environ.get("TOLLGATE_SDK_HARNESS") or DEFAULT_DLL)
        if not dll.is_file():
            raise RuntimeError(f"The SDK test harness is not built: {dll} is missing (run `dotnet build Tollgate.slnx` "
                               "at the repository's root, or set TOLLGATE_SDK_HARNESS)")
        self.process = subprocess.Popen(["dotnet", str(dll)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, cwd=REPO)
        line: list = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_DEADLINE)
        if not line or not line[0]:
            stderr = self.stderr_tail()
            self.stop()
            raise RuntimeError(f"The SDK test harness printed no JSON line within {START_DEADLINE:.0f}s; "
                               f"its stderr:\n{stderr}")
        self.info = json.loads(line[0])
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(10)
        self.process.stdout.close()
        self.log.close()
        os.unlink(self.log.name)
        self.process = None

    def stderr_tail(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    @property
    def base_url(self) -> str:
        return self.info["baseUrl"]

    @property
    def proxy_url(self) -> str:
        return self.info["proxyUrl"]

    def new_tenant(self) -> Dict[str, str]:
        """A fresh tenant on the default plan (``sdk/calls`` limited to 10, 100 monthly credits) and its API key."""
        return self._control("POST", "/tenants")

    def login(self, tenant: Dict[str, str]) -> str:
        """An access token of the tenant's owner (``POST /v1/auth/login``)."""
        body = json.dumps({"email": tenant["email"], "password": tenant["password"]}).encode()
        request = urllib.request.Request(self.base_url + "/v1/auth/login", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["accessToken"]

    def drop_next(self) -> None:
        """The next request through the proxy reaches the silo, but its answer is thrown away."""
        self._control("POST", "/proxy/drop-next")

    def forwarded(self) -> int:
        return self._control("GET", "/proxy/forwarded")["count"]

    def _control(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.info["controlUrl"] + path, method=method,
                                         data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def poll(condition, deadline: float = 15.0, what: str = "the condition"):
    """Calls ``condition`` until it answers something truthy, or fails after ``deadline`` seconds."""
    until = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > until:
            raise AssertionError(f"{what} did not hold within {deadline}s")
        time.sleep(0.05)
