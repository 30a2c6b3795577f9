"""The middleware's own rules, driven as plain ASGI against a scripted Tollgate (the end-to-end suite runs it in a
FastAPI app against a real silo)."""

from __future__ import annotations

import asyncio
import json
import unittest
from typing import Any, Dict, List, Optional, Tuple

from scripted_server import CONSUMED, Scripted, problem
from tollgate import Quota, TollgateClient, TollgateMiddleware


async def endpoint(scope: Dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-quota-remaining", b"stale")]})
    await send({"type": "http.response.body", "body": b"ran"})


def request(middleware: TollgateMiddleware, path: str = "/generate", key: Optional[str] = None,
            tenant: Optional[str] = "ten_1", headers: Optional[List[Tuple[bytes, bytes]]] = None,
            ) -> Tuple[int, Dict[str, str], bytes]:
    headers = list(headers or [])
    if key is not None:
        headers.append((b"idempotency-key", key.encode("latin-1")))
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers,
             "state": {"tollgate_tenant": tenant} if tenant else {}}
    sent: List[Dict[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, \
        b"".join(m.get("body", b"") for m in sent[1:])


class MiddlewareTests(unittest.TestCase):
    def setUp(self) -> None:
        self.tollgate = Scripted()
        self.addCleanup(self.tollgate.close)
        client = TollgateClient(self.tollgate.url, "tg_key", max_attempts=2, sleep=lambda seconds: None)
        self.middleware = TollgateMiddleware(endpoint, client=client, guards={
            ("POST", "/generate"): Quota("app/calls"), ("post", "/items/{id}/generate"): Quota("app/calls", 2)})

    def sent_key(self) -> str:
        return self.tollgate.requests[-1]["headers"]["idempotency-key"]

    def test_the_callers_idempotency_key_is_prefixed_with_the_guard_and_a_long_one_hashed(self) -> None:
        self.tollgate.answers = [(200, {}, CONSUMED)] * 3
        request(self.middleware, key="job-1")
        self.assertEqual("mw:app/calls:job-1", self.sent_key())
        request(self.middleware, key="x" * 300)
        self.assertRegex(self.sent_key(), r"^mw:app/calls:sha256:[0-9a-f]{64}$")
        request(self.middleware)
        self.assertRegex(self.sent_key(), r"^mw:app/calls:[0-9a-f-]{36}$")

    def test_guards_match_templated_paths_and_the_tenant_is_sent(self) -> None:
        self.tollgate.answers = [(200, {}, CONSUMED)]
        status, headers, body = request(self.middleware, path="/items/7/generate")
        self.assertEqual((200, b"ran", "9", "10"), (status, body, headers["x-quota-remaining"],
                                                     headers["x-quota-limit"]))
        self.assertEqual({"quotaType": "app/calls", "amount": 2, "tenantId": "ten_1"},
                         self.tollgate.requests[0]["body"])
        self.assertEqual((200, b"ran"), request(self.middleware, path="/items/7/8/generate")[::2])
        self.assertEqual(1, len(self.tollgate.requests))

    def test_a_custom_resolver_may_be_async_and_no_tenant_is_401_without_calling_tollgate(self) -> None:
        async def from_header(scope: Dict[str, Any]) -> Optional[str]:
            return dict(scope["headers"]).get(b"x-tenant", b"").decode() or None

        self.middleware.tenant_resolver = from_header
        self.tollgate.answers = [(200, {}, CONSUMED)]
        status, _, body = request(self.middleware, tenant=None)
        self.assertEqual((401, "tenant_required"), (status, json.loads(body)["code"]))
        self.assertEqual([], self.tollgate.requests)
        self.assertEqual(200, request(self.middleware, tenant=None, headers=[(b"x-tenant", b"ten_9")])[0])
        self.assertEqual("ten_9", self.tollgate.requests[0]["body"]["tenantId"])

    def test_an_answer_it_cannot_read_is_503_and_an_error_in_the_log(self) -> None:
        self.tollgate.answers = [(200, {}, {"allowed": True})]
        with self.assertLogs("tollgate.middleware", "ERROR") as logs:
            status, _, _ = request(self.middleware)
        self.assertEqual(503, status)
        self.assertIn("lacks limit", "\n".join(logs.output))

    def test_tollgate_busy_after_the_retries_is_503_with_its_retry_after(self) -> None:
        self.tollgate.answers = [(429, {"Retry-After": "12"}, problem(429, "rate_limited"))] * 2
        with self.assertLogs("tollgate.middleware", "WARNING"):
            status, headers, body = request(self.middleware)
        self.assertEqual((503, "12"), (status, headers["retry-after"]))
        self.assertEqual("tollgate_unavailable", json.loads(body)["code"])

    def test_tollgate_refusing_the_guard_is_503_without_tollgates_detail(self) -> None:
        self.tollgate.answers = [(404, {}, problem(404, "unknown_quota_type"))]
        with self.assertLogs("tollgate.middleware", "ERROR") as logs:
            status, _, body = request(self.middleware)
        self.assertEqual(503, status)
        self.assertNotIn(b"unknown_quota_type", body)
        self.assertIn("unknown_quota_type", "\n".join(logs.output))


if __name__ == "__main__":
    unittest.main()
