// The client's retries, Retry-After, idempotency keys and problem mapping, against a scripted local server.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  InsufficientCreditsError, QuotaExceededError, TollgateClient, TollgateError, TollgateUnavailableError, parseRetryAfter,
} from '../dist/index.js';
import { backoffDelay } from '../dist/retry.js';
import { closedPort, drop, hang, json, scriptedServer } from './support/scripted-server.mjs';

const consumed = { allowed: true, limit: 10, used: 1, remaining: 9, resetsAt: null, consumeId: 'cns_1' };
const exceeded = {
  type: 'https://tollgate.dev/problems/quota_exceeded', title: 'Quota exceeded', status: 402, code: 'quota_exceeded',
  detail: 'The request needs more of app/calls than remains; nothing was deducted.',
  allowed: false, limit: 10, used: 10, remaining: 0, resetsAt: '2026-12-07T00:00:00+00:00',
};

let server;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options = {}) {
  return new TollgateClient({ baseUrl: server.url, apiKey: 'tg_test', retryBaseDelayMs: 1, retryMaxDelayMs: 20, ...options });
}

describe('retries', () => {
  test('a 503 then a 502 then a 200 is one call under one Idempotency-Key', async () => {
    server = await scriptedServer([json(503, { title: 'Unavailable', status: 503 }), json(502, {}), json(200, consumed)]);
    const answer = await client().consume({ quotaType: 'app/calls', amount: 1 });
    assert.equal(server.requests.length, 3);
    const keys = new Set(server.requests.map((r) => r.headers['idempotency-key']));
    assert.equal(keys.size, 1);
    assert.equal(answer.idempotencyKey, [...keys][0]);
    assert.equal(answer.consumeId, 'cns_1');
    assert.equal(answer.replayed, false);
  });

  test('a dropped connection is retried under the same key, and a replay is an ordinary answer', async () => {
    server = await scriptedServer([drop(), json(200, consumed, { 'idempotent-replayed': 'true' })]);
    const answer = await client().consume({ quotaType: 'app/calls', amount: 1 }, { idempotencyKey: 'order-7' });
    assert.deepEqual(server.requests.map((r) => r.headers['idempotency-key']), ['order-7', 'order-7']);
    assert.equal(answer.replayed, true);
    assert.equal(answer.idempotencyKey, 'order-7');
    assert.equal(answer.remaining, 9);
  });

  test('an attempt that gets no answer within timeoutMs is retried', async () => {
    server = await scriptedServer([hang(), json(200, consumed)]);
    const answer = await client({ timeoutMs: 200 }).consume({ quotaType: 'app/calls', amount: 1 });
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].headers['idempotency-key'], server.requests[1].headers['idempotency-key']);
    assert.equal(answer.allowed, true);
  });

  test('408 and 429 are retried', async () => {
    server = await scriptedServer([json(408, {}), json(429, { code: 'rate_limited' }, { 'retry-after': '0' }), json(200, consumed)]);
    await client().consume({ quotaType: 'app/calls', amount: 1 });
    assert.equal(server.requests.length, 3);
  });

  test('Retry-After in seconds is waited for before the next attempt', async () => {
    server = await scriptedServer([json(429, { code: 'rate_limited' }, { 'retry-after': '1' }), json(200, consumed)]);
    await client({ retryMaxDelayMs: 5000 }).consume({ quotaType: 'app/calls', amount: 1 });
    const [first, second] = server.requests;
    assert.ok(second.at - first.at >= 950, `the retry came ${second.at - first.at} ms after the first attempt`);
  });

  test('Retry-After as an HTTP date already past means try again now, not after the backoff', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    server = await scriptedServer([json(503, {}, { 'retry-after': past }), json(200, consumed)]);
    // The backoff alone would wait up to 10 minutes: the call gives up after 10 s instead of hanging the suite.
    await client({ retryBaseDelayMs: 600_000, retryMaxDelayMs: 600_000 })
      .consume({ quotaType: 'app/calls', amount: 1 }, { signal: AbortSignal.timeout(10_000) });
    assert.equal(server.requests.length, 2);
  });

  test('5xx on every attempt is TollgateUnavailableError with the last answer', async () => {
    const problem = { title: 'Silo unavailable', status: 503, code: 'silo_unavailable' };
    server = await scriptedServer([json(500, {}), json(503, problem, { 'retry-after': '0' })]);
    const error = await client({ maxAttempts: 4 }).creditsConsume({ tool: 'app/render', units: 1 }).catch((e) => e);
    assert.ok(error instanceof TollgateUnavailableError);
    assert.ok(error instanceof TollgateError);
    assert.equal(server.requests.length, 4);
    assert.equal(error.attempts, 4);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'silo_unavailable');
  });

  test('no answer at all is TollgateUnavailableError 503 tollgate_unavailable', async () => {
    const port = await closedPort();
    const tollgate = new TollgateClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'tg_x', maxAttempts: 2, retryBaseDelayMs: 1 });
    const error = await tollgate.check({ quotaType: 'app/calls', amount: 1 }).catch((e) => e);
    assert.ok(error instanceof TollgateUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'tollgate_unavailable');
    assert.equal(error.attempts, 2);
    assert.ok(error.cause, 'the network failure is the cause');
  });

  test('a 502 that is not JSON is still TollgateUnavailableError', async () => {
    server = await scriptedServer([(req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>')]);
    const error = await client({ maxAttempts: 1 }).quotas('t1').catch((e) => e);
    assert.ok(error instanceof TollgateUnavailableError);
    assert.equal(error.status, 502);
    assert.match(error.detail, /Bad gateway/);
  });

  test('429 on every attempt is a TollgateError rate_limited', async () => {
    server = await scriptedServer([json(429, { title: 'Too many requests', status: 429, code: 'rate_limited' }, { 'retry-after': '0' })]);
    const error = await client({ maxAttempts: 2 }).consume({ quotaType: 'app/calls', amount: 1 }).catch((e) => e);
    assert.ok(error instanceof TollgateError && !(error instanceof TollgateUnavailableError));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limited');
    assert.equal(server.requests.length, 2);
  });

  test("the caller's AbortSignal ends the call without another attempt", async () => {
    server = await scriptedServer([hang()]);
    const controller = new AbortController();
    const call = client({ timeoutMs: 60_000 }).consume({ quotaType: 'app/calls', amount: 1 }, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('the user left'));
    await assert.rejects(call, /the user left/);
    assert.equal(server.requests.length, 1);
  });
});

describe('problems', () => {
  test('402 quota_exceeded is QuotaExceededError with its numbers and headers, and is not retried', async () => {
    server = await scriptedServer([json(402, exceeded, { 'x-quota-limit': '10', 'x-quota-remaining': '0' })]);
    const error = await client().consume({ quotaType: 'app/calls', amount: 1 }).catch((e) => e);
    assert.ok(error instanceof QuotaExceededError);
    assert.equal(server.requests.length, 1);
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assert.deepEqual([error.limit, error.used, error.remaining, error.resetsAt], [10, 10, 0, '2026-12-07T00:00:00+00:00']);
    assert.equal(error.headers.get('x-quota-remaining'), '0');
    assert.deepEqual(error.problem, exceeded);
  });

  test('402 insufficient_credits is InsufficientCreditsError with its numbers', async () => {
    const problem = {
      title: 'Insufficient credits', status: 402, code: 'insufficient_credits', needed: 8, balance: 5, held: 2, available: 3,
    };
    server = await scriptedServer([json(402, problem, { 'x-credits-remaining': '3' })]);
    const error = await client().creditsConsume({ tool: 'app/render', units: 4 }).catch((e) => e);
    assert.ok(error instanceof InsufficientCreditsError);
    assert.deepEqual([error.needed, error.balance, error.held, error.available], [8, 5, 2, 3]);
    assert.equal(error.headers.get('x-credits-remaining'), '3');
  });

  test('another problem is a TollgateError carrying the document, extensions included', async () => {
    const problem = { title: 'Conflict', status: 409, code: 'refund_exceeds_consume', detail: 'This consume has 1 left.', refundable: 1 };
    server = await scriptedServer([json(409, problem)]);
    const error = await client().refund({ quotaType: 'app/calls', amount: 2, consumeId: 'cns_1' }).catch((e) => e);
    assert.equal(error.constructor, TollgateError);
    assert.equal(server.requests.length, 1);
    assert.deepEqual([error.status, error.code, error.title, error.detail],
      [409, 'refund_exceeds_consume', 'Conflict', 'This consume has 1 left.']);
    assert.equal(error.problem.refundable, 1);
  });
});

describe('requests', () => {
  test('each mutating call gets its own generated key; reads send none', async () => {
    server = await scriptedServer([json(200, consumed), json(200, consumed), json(200, [])]);
    const tollgate = client();
    await tollgate.consume({ quotaType: 'app/calls', amount: 1 });
    await tollgate.consume({ quotaType: 'app/calls', amount: 1 });
    await tollgate.quotas('ten/1');
    const [a, b, read] = server.requests;
    assert.match(a.headers['idempotency-key'], /^[0-9a-f-]{36}$/);
    assert.notEqual(a.headers['idempotency-key'], b.headers['idempotency-key']);
    assert.equal(read.headers['idempotency-key'], undefined);
    assert.equal(read.method, 'GET');
    assert.equal(read.url, '/v1/tenants/ten%2F1/quotas');
    assert.equal(a.headers['x-api-key'], 'tg_test');
  });

  test('bodies carry only the wire fields, the tenant only when given', async () => {
    const ok = json(200, {});
    server = await scriptedServer([ok]);
    const tollgate = client();
    await tollgate.refund({ quotaType: 'app/calls', amount: 1, consumeIdempotencyKey: 'order-7' });
    await tollgate.creditsRefund({ spendId: 'spd_1', credits: 2, tenantId: 't1' });
    await tollgate.settleReservation({ reservationId: 'res 1', units: 3 });
    await tollgate.releaseReservation({ reservationId: 'res_2' });
    await tollgate.usage('t1', { from: new Date('2026-12-01T00:00:00Z'), groupBy: 'month' });
    const [refund, creditsRefund, settle, release, usage] = server.requests;
    assert.deepEqual(refund.body, { quotaType: 'app/calls', amount: 1, idempotencyKey: 'order-7' });
    assert.deepEqual(creditsRefund.body, { spendId: 'spd_1', credits: 2, tenantId: 't1' });
    assert.equal(settle.url, '/v1/credits/reservations/res%201/settle');
    assert.deepEqual(settle.body, { units: 3 });
    assert.deepEqual(release.body, {});
    assert.equal(usage.url, '/v1/tenants/t1/usage?from=2026-12-01T00%3A00%3A00.000Z&groupBy=month');
  });
});

describe('Retry-After and backoff', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  test('seconds', () => assert.equal(parseRetryAfter('5', now), 5000));
  test('an HTTP date', () => assert.equal(parseRetryAfter('Sun, 06 Dec 2026 12:00:10 GMT', now), 10_000));
  test('a date already past is now', () => assert.equal(parseRetryAfter('Sun, 06 Dec 2026 11:00:00 GMT', now), 0));
  test('absent or unreadable is undefined', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
  });
  test('the backoff ceiling doubles per attempt up to its cap, jittered below it', () => {
    const top = () => 0.9999;
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 100, 500, top)), [99, 199, 399, 499, 499]);
    assert.equal(backoffDelay(3, 100, 500, () => 0), 0);
  });
});
