"""The client against a scripted local server: retries under one key, Retry-After, timeouts, typed problems."""

from __future__ import annotations

import socket
import unittest
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from scripted_server import CONSUMED, Scripted, problem
from tollgate import InsufficientCredits, QuotaExceeded, TollgateClient, TollgateError, TollgateUnavailable
from tollgate.models import parse_instant
from tollgate.retry import backoff, parse_retry_after


class ClientTests(unittest.TestCase):
    def setUp(self) -> None:
        self.server = Scripted()
        self.addCleanup(self.server.close)
        self.waits: list = []
        self.client = TollgateClient(self.server.url, "tg_key", max_attempts=3, timeout=5, sleep=self.waits.append)

    def keys(self) -> list:
        return [r["headers"].get("idempotency-key") for r in self.server.requests]

    def test_a_5xx_then_success_is_retried_under_the_same_key_with_backoff(self) -> None:
        self.server.answers = [(503, {}, problem(503, "unavailable")), (200, {}, CONSUMED)]
        answer = self.client.consume("sdk/calls", 1)
        self.assertEqual("cns_1", answer.consume_id)
        self.assertEqual(2, len(self.server.requests))
        self.assertEqual(1, len(set(self.keys())))
        self.assertTrue(self.keys()[0])
        self.assertEqual(1, len(self.waits))
        self.assertTrue(0.1 <= self.waits[0] <= 0.2, self.waits)

    def test_a_dropped_answer_is_retried_under_the_same_key_and_a_replay_is_an_ordinary_answer(self) -> None:
        self.server.answers = ["drop", (200, {"Idempotent-Replayed": "true"}, CONSUMED)]
        answer = self.client.consume("sdk/calls", 1, idempotency_key="order-7")
        self.assertTrue(answer.replayed)
        self.assertEqual(["order-7", "order-7"], self.keys())

    def test_retry_after_in_seconds_is_honoured(self) -> None:
        self.server.answers = [(429, {"Retry-After": "7"}, problem(429, "rate_limited")), (200, {}, CONSUMED)]
        self.client.consume("sdk/calls")
        self.assertEqual([7.0], self.waits)

    def test_retry_after_as_an_http_date_is_honoured_and_capped(self) -> None:
        later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
        self.server.answers = [(503, {"Retry-After": later}, {}), (503, {"Retry-After": "3600"}, {}),
                               (200, {}, CONSUMED)]
        self.client.consume("sdk/calls")
        self.assertTrue(10 < self.waits[0] <= 20, self.waits)
        self.assertEqual(30.0, self.waits[1])

    def test_5xx_on_every_attempt_is_unavailable_with_the_last_problem(self) -> None:
        self.server.answers = [(500, {}, problem(500, "boom"))] * 2 + [(503, {"Retry-After": "2"}, problem(503, "x"))]
        with self.assertRaises(TollgateUnavailable) as raised:
            self.client.credits_consume("sdk/render", 1)
        self.assertEqual(3, len(self.server.requests))
        self.assertEqual(503, raised.exception.status)
        self.assertEqual("x", raised.exception.problem["code"])
        self.assertEqual(2.0, raised.exception.retry_after)
        self.assertEqual(2, len(self.waits))

    def test_a_closed_port_is_unavailable_after_every_attempt(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
        client = TollgateClient(closed, "tg_key", max_attempts=2, sleep=self.waits.append)
        with self.assertRaises(TollgateUnavailable) as raised:
            client.consume("sdk/calls")
        self.assertIsNone(raised.exception.status)
        self.assertEqual(1, len(self.waits))

    def test_an_attempt_past_its_timeout_is_retried(self) -> None:
        self.server.answers = ["hold", (200, {}, CONSUMED)]
        client = TollgateClient(self.server.url, "tg_key", timeout=0.3, sleep=self.waits.append)
        self.assertEqual("cns_1", client.consume("sdk/calls").consume_id)
        self.assertEqual(1, len(set(self.keys())))

    def test_quota_exceeded_is_typed_with_its_numbers_and_headers_and_not_retried(self) -> None:
        body = problem(402, "quota_exceeded", allowed=False, limit=10, used=10, remaining=0,
                       resetsAt="2026-12-07T00:00:00+00:00")
        self.server.answers = [(402, {"X-Quota-Limit": "10", "X-Quota-Remaining": "0"}, body)]
        with self.assertRaises(QuotaExceeded) as raised:
            self.client.consume("sdk/calls")
        error = raised.exception
        self.assertEqual((402, "quota_exceeded", 10, 10, 0), (error.status, error.code, error.limit, error.used,
                                                             error.remaining))
        self.assertEqual(datetime(2026, 12, 7, tzinfo=timezone.utc), error.resets_at)
        self.assertEqual("0", error.headers["x-quota-remaining"])
        self.assertEqual(1, len(self.server.requests))

    def test_insufficient_credits_is_typed_with_its_numbers(self) -> None:
        body = problem(402, "insufficient_credits", needed=8, balance=5, held=1, available=4)
        self.server.answers = [(402, {"X-Credits-Remaining": "4"}, body)]
        with self.assertRaises(InsufficientCredits) as raised:
            self.client.credits_consume("sdk/render", 4)
        self.assertEqual((8, 5, 1, 4), (raised.exception.needed, raised.exception.balance, raised.exception.held,
                                        raised.exception.available))

    def test_other_problems_carry_the_document_and_are_not_retried(self) -> None:
        self.server.answers = [(404, {}, problem(404, "unknown_quota_type", extra=1))]
        with self.assertRaises(TollgateError) as raised:
            self.client.check("sdk/nope")
        error = raised.exception
        self.assertNotIsInstance(error, QuotaExceeded)
        self.assertEqual((404, "unknown_quota_type", "a unknown_quota_type"), (error.status, error.code, error.detail))
        self.assertEqual({"code": "unknown_quota_type", "extra": 1}, error.extensions)
        self.assertEqual(1, len(self.server.requests))

    def test_429_on_every_attempt_is_the_problem_not_unavailable(self) -> None:
        self.server.answers = [(429, {"Retry-After": "1"}, problem(429, "rate_limited"))] * 3
        with self.assertRaises(TollgateError) as raised:
            self.client.consume("sdk/calls")
        self.assertEqual("rate_limited", raised.exception.code)
        self.assertEqual([1.0, 1.0], self.waits)

    def test_each_call_without_a_key_gets_its_own_and_the_tenant_is_sent_when_given(self) -> None:
        self.server.answers = [(200, {}, CONSUMED), (200, {}, CONSUMED)]
        self.client.consume("sdk/calls", 2)
        self.client.consume("sdk/calls", 1, tenant_id="ten_1")
        first, second = self.server.requests
        self.assertNotEqual(first["headers"]["idempotency-key"], second["headers"]["idempotency-key"])
        self.assertEqual({"quotaType": "sdk/calls", "amount": 2}, first["body"])
        self.assertEqual({"quotaType": "sdk/calls", "amount": 1, "tenantId": "ten_1"}, second["body"])
        self.assertEqual("tg_key", first["headers"]["x-api-key"])

    def test_reads_go_to_the_tenants_path_without_an_idempotency_key(self) -> None:
        self.server.answers = [(200, {}, [{"quotaType": "sdk/calls", "limit": 10, "used": 3, "remaining": 7,
                                           "resetsAt": None}])]
        [status] = self.client.quotas("ten/1")
        self.assertEqual(("sdk/calls", 3), (status.quota_type, status.used))
        self.assertEqual(("GET", "/v1/tenants/ten%2F1/quotas"), (self.server.requests[0]["method"],
                                                                 self.server.requests[0]["path"]))
        self.assertNotIn("idempotency-key", self.server.requests[0]["headers"])

    def test_a_members_access_token_is_sent_as_a_bearer_token_instead_of_a_key(self) -> None:
        self.server.answers = [(200, {}, {"groupBy": "day", "items": []})]
        TollgateClient(self.server.url, access_token="eyJ.x.y").usage("ten_1", group_by="day")
        headers = self.server.requests[0]["headers"]
        self.assertEqual(("Bearer eyJ.x.y", None), (headers["authorization"], headers.get("x-api-key")))
        self.assertEqual("/v1/tenants/ten_1/usage?groupBy=day", self.server.requests[0]["path"])
        with self.assertRaises(ValueError):
            TollgateClient(self.server.url)


class InstantTests(unittest.TestCase):
    def test_dotnets_seven_fractional_digits_and_z_are_read(self) -> None:
        self.assertEqual(datetime(2026, 12, 6, 10, 0, 0, 123456, tzinfo=timezone.utc),
                         parse_instant("2026-12-06T10:00:00.1234567+00:00"))
        self.assertEqual(datetime(2026, 12, 6, 10, tzinfo=timezone.utc), parse_instant("2026-12-06T10:00:00Z"))
        self.assertEqual(datetime(2026, 12, 6, 10, 0, 0, 120000, tzinfo=timezone.utc),
                         parse_instant("2026-12-06T10:00:00.12+00:00"))
        self.assertIsNone(parse_instant(None))


class RetryAfterTests(unittest.TestCase):
    now = datetime(2026, 12, 6, 12, 0, 0, tzinfo=timezone.utc)

    def test_seconds_dates_and_garbage(self) -> None:
        self.assertEqual(5.0, parse_retry_after("5"))
        self.assertEqual(90.0, parse_retry_after("Sun, 06 Dec 2026 12:01:30 GMT", lambda: self.now))
        self.assertEqual(0.0, parse_retry_after("Sun, 06 Dec 2026 11:00:00 GMT", lambda: self.now))
        self.assertIsNone(parse_retry_after("soon"))
        self.assertIsNone(parse_retry_after(None))

    def test_backoff_grows_is_capped_and_jittered_in_its_upper_half(self) -> None:
        self.assertEqual([0.1, 0.2, 0.4], [backoff(n, 0.2, 5.0, lambda: 0.0) for n in (1, 2, 3)])
        self.assertEqual(5.0, backoff(10, 0.2, 5.0, lambda: 1.0))
        self.assertEqual(2.5, backoff(10, 0.2, 5.0, lambda: 0.0))


if __name__ == "__main__":
    unittest.main()
