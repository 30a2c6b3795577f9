"""End to end: a FastAPI app guarded by TollgateMiddleware and the client, against ONE real silo started by the
SDK test harness for this module. Each test has its own tenant (fresh counters)."""

from __future__ import annotations

import json
import logging
import socket
import unittest
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Tuple

import contract
from app import AppServer, make_app
from harness import Harness, poll
from tollgate import Credits, InsufficientCredits, QuotaExceeded, TollgateClient, TollgateError, TollgateUnavailable

HARNESS: Optional[Harness] = None
USER = "user-token"
NO_TENANT = "no-tenant-token"


def setUpModule() -> None:
    global HARNESS
    HARNESS = Harness().start()


def tearDownModule() -> None:
    if HARNESS is not None:
        HARNESS.stop()


def call(url: str, path: str, token: Optional[str] = USER, method: str = "POST",
         headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], Any]:
    """The app's answer to a caller: status, headers (lower-cased) and JSON body."""
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + path, method=method, headers=all_headers,
                                     data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, got = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, got = error.code, error.read(), error.headers
    is_json = "json" in (got.get("content-type") or "")
    return status, {k.lower(): v for k, v in got.items()}, json.loads(raw) if is_json else raw.decode()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


class EndToEndTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tenant = HARNESS.new_tenant()
        self.tenant_id = self.tenant["tenantId"]
        self.client = TollgateClient(HARNESS.base_url, self.tenant["apiKey"])

    def serve(self, base_url: Optional[str] = None, api_key: Optional[str] = None, **options: Any) -> AppServer:
        """The test app, its Tollgate client on ``base_url`` (the harness's proxy by default) with this tenant's key."""
        client = TollgateClient(base_url or HARNESS.proxy_url, api_key or self.tenant["apiKey"], backoff_base=0.05)
        app = make_app({USER: self.tenant_id, NO_TENANT: None}, client=client, **options)
        server = AppServer(app).start()
        self.addCleanup(server.stop)
        return server

    def used(self, quota_type: str = "sdk/calls") -> int:
        return next(q.used for q in self.client.quotas(self.tenant_id) if q.quota_type == quota_type)


class QuotaGuardTests(EndToEndTest):
    def test_a_limit_of_10_lets_exactly_10_of_100_concurrent_calls_through(self) -> None:
        app = self.serve()
        with ThreadPoolExecutor(max_workers=100) as pool:
            answers = list(pool.map(lambda _: call(app.url, "/generate"), range(100)))
        allowed = [a for a in answers if a[0] == 200]
        refused = [a for a in answers if a[0] == 402]
        self.assertEqual((10, 90), (len(allowed), len(refused)), [a[0] for a in answers])
        self.assertEqual(list(range(10)), sorted(int(h["x-quota-remaining"]) for _, h, _ in allowed))
        for _, headers, body in refused:
            self.assertEqual("application/problem+json", headers["content-type"])
            self.assertEqual(("10", "0"), (headers["x-quota-limit"], headers["x-quota-remaining"]))
            self.assertEqual(("quota_exceeded", 402, 10, 10, 0),
                             (body["code"], body["status"], body["limit"], body["used"], body["remaining"]))
        self.assertEqual(10, app.app.state.runs)
        self.assertEqual(10, self.used())
        status, headers, body = call(app.url, "/generate")
        self.assertEqual((402, "quota_exceeded", "0"), (status, body["code"], headers["x-quota-remaining"]))
        self.assertEqual(10, app.app.state.runs)

    def test_allowed_responses_carry_the_quota_headers_on_templated_routes_too(self) -> None:
        app = self.serve()
        status, headers, body = call(app.url, "/items/42/generate")
        self.assertEqual((200, {"generated": True}), (status, body))
        self.assertEqual(("10", "9"), (headers["x-quota-limit"], headers["x-quota-remaining"]))
        self.assertNotIn("x-quota-reset", headers)  # sdk/calls has a lifetime window: it never resets
        status, headers, _ = call(app.url, "/free", method="GET")
        self.assertEqual(200, status)
        self.assertNotIn("x-quota-remaining", headers)
        self.assertEqual(1, self.used())

    def test_the_callers_idempotency_key_makes_a_retried_request_deduct_once(self) -> None:
        app = self.serve()
        first = call(app.url, "/generate", headers={"Idempotency-Key": "job-1"})
        again = call(app.url, "/generate", headers={"Idempotency-Key": "job-1"})
        other = call(app.url, "/generate", headers={"Idempotency-Key": "job-2"})
        self.assertEqual([200, 200, 200], [first[0], again[0], other[0]])
        self.assertEqual(("9", "9", "8"), (first[1]["x-quota-remaining"], again[1]["x-quota-remaining"],
                                           other[1]["x-quota-remaining"]))
        self.assertEqual(2, self.used())

    def test_through_the_app_a_dropped_tollgate_answer_is_retried_and_deducted_once(self) -> None:
        app = self.serve()
        before = HARNESS.forwarded()
        HARNESS.drop_next()
        status, headers, _ = call(app.url, "/generate")
        self.assertEqual((200, "9"), (status, headers["x-quota-remaining"]))
        self.assertEqual(2, HARNESS.forwarded() - before)
        self.assertEqual(1, self.used())


class AuthBeforeQuotaTests(EndToEndTest):
    def test_an_unauthenticated_call_gets_the_apps_401_and_deducts_nothing(self) -> None:
        app = self.serve()
        before = HARNESS.forwarded()
        for token in (None, "forged-token"):
            status, headers, body = call(app.url, "/generate", token=token)
            self.assertEqual((401, {"error": "app_unauthorized"}), (status, body))
            self.assertNotIn("x-quota-remaining", headers)
        self.assertEqual(before, HARNESS.forwarded())
        self.assertEqual(0, app.app.state.runs)
        self.assertEqual(0, self.used())

    def test_a_user_without_a_tenant_gets_401_tenant_required_without_calling_tollgate(self) -> None:
        app = self.serve()
        before = HARNESS.forwarded()
        status, headers, body = call(app.url, "/generate", token=NO_TENANT)
        self.assertEqual((401, "tenant_required", "application/problem+json"),
                         (status, body["code"], headers["content-type"]))
        self.assertEqual(before, HARNESS.forwarded())
        self.assertEqual(0, app.app.state.runs)


class CreditsGuardTests(EndToEndTest):
    def test_a_credits_guard_spends_and_answers_402_insufficient_credits_when_short(self) -> None:
        app = self.serve()
        status, headers, body = call(app.url, "/render")
        self.assertEqual((200, {"rendered": True}, "94"), (status, body, headers["x-credits-remaining"]))
        self.client.credits_consume("sdk/render", 47)  # the 94 credits left
        status, headers, body = call(app.url, "/render")
        self.assertEqual((402, "application/problem+json", "0"),
                         (status, headers["content-type"], headers["x-credits-remaining"]))
        self.assertEqual(("insufficient_credits", 6, 0), (body["code"], body["needed"], body["available"]))
        self.assertEqual(1, app.app.state.runs)
        self.assertEqual(0, self.client.credits(self.tenant_id).available)


class RefundTests(EndToEndTest):
    def test_a_5xx_answer_or_an_exception_gives_the_deduction_back_when_opted_in(self) -> None:
        app = self.serve(refund_on_server_error=True)
        status, headers, body = call(app.url, "/fail")
        self.assertEqual((502, {"error": "model_down"}, "9"), (status, body, headers["x-quota-remaining"]))
        poll(lambda: self.used() == 0, what="the refund after a 502")
        status, _, _ = call(app.url, "/boom")
        self.assertEqual(500, status)
        poll(lambda: self.used() == 0, what="the refund after an exception")
        self.assertEqual(2, app.app.state.runs)

    def test_a_credits_guard_is_refunded_too(self) -> None:
        app = self.serve(refund_on_server_error=True, guards={("POST", "/fail"): Credits("sdk/render", 5)})
        status, headers, _ = call(app.url, "/fail")
        self.assertEqual((502, "90"), (status, headers["x-credits-remaining"]))
        poll(lambda: self.client.credits(self.tenant_id).available == 100, what="the credits refund after a 502")


class UnavailableTests(EndToEndTest):
    def test_unreachable_tollgate_fails_closed_by_default_with_503_and_retry_after(self) -> None:
        app = self.serve(base_url=closed_port_url())
        with self.assertLogs("tollgate.middleware", logging.WARNING) as logs:
            status, headers, body = call(app.url, "/generate")
        self.assertEqual((503, "tollgate_unavailable", "5"), (status, body["code"], headers["retry-after"]))
        self.assertEqual(0, app.app.state.runs)
        self.assertIn("unavailable", "\n".join(logs.output))

    def test_unreachable_tollgate_lets_the_endpoint_run_when_failing_open(self) -> None:
        app = self.serve(base_url=closed_port_url(), fail_open=True)
        with self.assertLogs("tollgate.middleware", logging.WARNING):
            status, headers, body = call(app.url, "/generate")
        self.assertEqual((200, {"generated": True}), (status, body))
        self.assertNotIn("x-quota-remaining", headers)
        self.assertEqual(1, app.app.state.runs)

    def test_a_key_tollgate_refuses_is_logged_as_an_error_and_answered_503_without_its_detail(self) -> None:
        app = self.serve(api_key="tg_not_a_real_key", fail_open=True)
        with self.assertLogs("tollgate.middleware", logging.ERROR) as logs:
            status, _, body = call(app.url, "/generate")
        self.assertEqual((503, "tollgate_unavailable"), (status, body["code"]))
        self.assertEqual(0, app.app.state.runs)
        self.assertIn("401", "\n".join(logs.output))


class ClientAgainstTheSiloTests(EndToEndTest):
    def test_a_dropped_answer_is_retried_under_the_same_key_and_the_answer_is_the_replay(self) -> None:
        client = TollgateClient(HARNESS.proxy_url, self.tenant["apiKey"], backoff_base=0.05)
        HARNESS.drop_next()
        answer = client.consume("sdk/calls", 1)
        self.assertTrue(answer.replayed)
        self.assertEqual((1, 9), (answer.used, answer.remaining))
        self.assertEqual(1, self.used())

    def test_one_platform_key_acts_for_each_tenant_its_calls_name_and_none_without_one(self) -> None:
        platform = TollgateClient(HARNESS.base_url, HARNESS.info["platformKey"])
        second = HARNESS.new_tenant()["tenantId"]
        platform.consume("sdk/calls", 2, tenant_id=self.tenant_id)
        platform.consume("sdk/calls", 5, tenant_id=second)
        with self.assertRaises(TollgateError) as unnamed:
            platform.consume("sdk/calls", 1)
        used = {t: [q.used for q in platform.quotas(t) if q.quota_type == "sdk/calls"] for t in (self.tenant_id, second)}
        self.assertEqual({self.tenant_id: [2], second: [5]}, used)
        self.assertEqual((400, "validation_failed"), (unnamed.exception.status, unnamed.exception.code))

    def test_every_operation_against_the_silo(self) -> None:
        c, tenant = self.client, self.tenant_id
        self.assertEqual((True, 0, 10), (c.check("sdk/calls", 10).allowed, self.used(), c.check("sdk/calls").limit))
        consumed = c.consume("sdk/calls", 3, tenant_id=tenant, idempotency_key="k-1")
        self.assertEqual((3, 7, None, False),
                         (consumed.used, consumed.remaining, consumed.resets_at, consumed.replayed))
        self.assertTrue(c.consume("sdk/calls", 3, idempotency_key="k-1").replayed)
        self.assertEqual(2, c.refund("sdk/calls", 2, consume_id=consumed.consume_id).refunded)
        refunded = c.refund("sdk/calls", 1, consume_idempotency_key="k-1")
        self.assertEqual((1, 0), (refunded.refunded, refunded.used))
        [status] = [q for q in c.quotas(tenant) if q.quota_type == "sdk/calls"]
        self.assertEqual((0, 10), (status.used, status.remaining))
        [total] = c.usage(tenant, quota_type="sdk/calls", group_by="month").items
        self.assertEqual((3, 3, 0), (total.consumed, total.refunded, total.net))

        spend = c.credits_consume("sdk/render", 5)
        self.assertEqual((10, 90, 90), (spend.spent, spend.balance, spend.available))
        given_back = c.credits_refund(spend_id=spend.spend_id, credits=4)
        self.assertEqual((4, 94), (given_back.refunded, given_back.available))
        hold = c.create_reservation("sdk/render", 10, 600, tenant_id=tenant)
        self.assertEqual((20, 74), (hold.held, hold.available))
        settled = c.settle_reservation(hold.id, 4)
        self.assertEqual((8, 12, 86), (settled.spent, settled.released, settled.available))
        second = c.create_reservation("sdk/render", 1, 60)
        self.assertEqual((2, 86), (c.release_reservation(second.id, tenant_id=tenant).released,
                                   c.credits(tenant).available))
        wallet = c.credits(tenant)
        self.assertEqual((86, 0), (wallet.balance, wallet.held))
        self.assertEqual(86, wallet.grants[0].remaining)

    def test_errors_are_typed_with_the_problem_document(self) -> None:
        self.client.consume("sdk/calls", 10)
        with self.assertRaises(QuotaExceeded) as exceeded:
            self.client.consume("sdk/calls", 1)
        self.assertEqual((10, 10, 0, None, "0"), (exceeded.exception.limit, exceeded.exception.used,
                                                  exceeded.exception.remaining, exceeded.exception.resets_at,
                                                  exceeded.exception.headers["x-quota-remaining"]))
        with self.assertRaises(InsufficientCredits) as short:
            self.client.credits_consume("sdk/render", 51)
        self.assertEqual((102, 100), (short.exception.needed, short.exception.available))
        with self.assertRaises(TollgateError) as unknown:
            self.client.check("sdk/no-such-quota")
        self.assertEqual((404, "unknown_quota_type"), (unknown.exception.status, unknown.exception.code))
        other = HARNESS.new_tenant()["tenantId"]
        with self.assertRaises(TollgateError) as foreign:
            self.client.consume("sdk/calls", 1, tenant_id=other)
        self.assertEqual((404, "not_found"), (foreign.exception.status, foreign.exception.code))
        with self.assertRaises(TollgateUnavailable):
            TollgateClient(closed_port_url(), "tg_x", max_attempts=2, backoff_base=0.01).consume("sdk/calls")


if __name__ == "__main__":
    unittest.main()


class OpenApiTests(unittest.TestCase):
    def test_every_operation_and_field_the_client_uses_is_in_the_silos_openapi_document(self) -> None:
        with urllib.request.urlopen(HARNESS.base_url + "/openapi/v1.json", timeout=30) as response:
            document = json.loads(response.read())
        sent = contract.sent_requests()
        self.assertEqual([], contract.failures(document, sent))
        # The check fails when a route, a request field or an answer field goes away.
        request = document["paths"]["/v1/quota/consume"]["post"]["requestBody"]["content"]["application/json"]
        request_schema = request["schema"]["$ref"].split("/")[-1]
        self.assertIn("consume: POST /v1/quota/consume is not in the document",
                      contract.failures(contract.without(document, "paths", "/v1/quota/consume"), sent))
        self.assertIn("consume: the client sends amount, which the request schema lacks",
                      contract.failures(contract.without(document, "components", "schemas", request_schema,
                                                         "properties", "amount"), sent))
        self.assertIn("credits: the client reads grants, which the answer's schema lacks",
                      contract.failures(contract.without(document, "components", "schemas", "WalletAnswer",
                                                         "properties", "grants"), sent))
