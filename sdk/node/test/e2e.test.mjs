// End to end: ONE real silo (the shared SDK harness) for the whole file, and an Express app per test on a free port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  InsufficientCreditsError, QuotaExceededError, TollgateClient, TollgateError, operations,
} from '../dist/index.js';
import { startHarness } from './support/harness.mjs';
import { recordingLogger, startApp } from './support/app.mjs';
import { closedPort } from './support/scripted-server.mjs';

let harness;
let unreachable;
before(async () => {
  harness = await startHarness();
  unreachable = new TollgateClient({
    baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: 'tg_none', maxAttempts: 2, retryBaseDelayMs: 1, timeoutMs: 2000,
  });
});
after(async () => harness?.stop());

/** A fresh tenant (fresh counters), a client with its key, and an app whose users belong to it. */
async function tenantWithApp({ baseUrl = harness.baseUrl, apiKey } = {}) {
  const tenant = await harness.newTenant();
  const client = new TollgateClient({ baseUrl, apiKey: apiKey ?? tenant.apiKey, retryBaseDelayMs: 10 });
  const direct = new TollgateClient({ baseUrl: harness.baseUrl, apiKey: tenant.apiKey });
  const logger = recordingLogger();
  const tokens = { alice: { tenantId: tenant.tenantId }, nobody: {} };
  const app = await startApp({ client, unreachable, harness, tokens, logger });
  const used = async () => (await direct.quotas(tenant.tenantId)).find((q) => q.quotaType === harness.quotaType).used;
  const call = (path, headers = {}) => fetch(app.url + path, { headers: { authorization: 'Bearer alice', ...headers } });
  return { tenant, client: direct, app, logger, used, call };
}

/** Polls `read` until it gives `expected`, failing with the last value after the deadline. */
async function eventually(read, expected, deadlineMs = 15_000) {
  const deadline = Date.now() + deadlineMs;
  let value;
  while (Date.now() < deadline) {
    value = await read();
    if (value === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(value, expected, 'the value did not arrive before the deadline');
}

describe('quota guard', () => {
  test('a limit of 10 lets exactly 10 of 100 concurrent calls through; the others get 402 with the problem and headers', async () => {
    const { app, used, call } = await tenantWithApp();
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, async () => {
        const response = await call('/calls');
        return { response, body: await response.json() };
      }));
      const allowed = answers.filter((a) => a.response.status === 200);
      const refused = answers.filter((a) => a.response.status === 402);
      assert.equal(allowed.length, 10);
      assert.equal(refused.length, 90);
      assert.equal(app.ran.count, 10);
      const remaining = allowed.map((a) => Number(a.response.headers.get('x-quota-remaining'))).sort((x, y) => x - y);
      assert.deepEqual(remaining, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const { response, body } of refused) {
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
        assert.equal(response.headers.get('x-quota-limit'), '10');
        assert.equal(response.headers.get('x-quota-remaining'), '0');
        assert.equal(body.code, 'quota_exceeded');
        assert.deepEqual([body.status, body.limit, body.used, body.remaining], [402, 10, 10, 0]);
      }
      assert.equal(await used(), 10);
    } finally {
      await app.close();
    }
  });

  test('an allowed call carries X-Quota-Limit and X-Quota-Remaining (a lifetime quota has no X-Quota-Reset)', async () => {
    const { app, call } = await tenantWithApp();
    try {
      const response = await call('/calls');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-quota-limit'), '10');
      assert.equal(response.headers.get('x-quota-remaining'), '9');
      assert.equal(response.headers.get('x-quota-reset'), null);
      const body = await response.json();
      assert.match(body.tollgate.quota[harness.quotaType].consumeId, /^cns_/);
    } finally {
      await app.close();
    }
  });

  test('auth runs before quota: an unauthenticated call gets the app\'s 401 and deducts nothing', async () => {
    const { app, used, call } = await tenantWithApp();
    try {
      const response = await fetch(`${app.url}/calls`);
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { error: 'sign in first' });
      assert.equal((await call('/calls', { authorization: 'Bearer forged' })).status, 401);
      assert.equal(app.ran.count, 0);
      assert.equal(await used(), 0);
    } finally {
      await app.close();
    }
  });

  test('a user without a tenant gets 401 tenant_required, and Tollgate is not called', async () => {
    const { app } = await tenantWithApp({ baseUrl: harness.proxyUrl });
    try {
      const before = await harness.forwarded();
      const response = await fetch(`${app.url}/calls`, { headers: { authorization: 'Bearer nobody' } });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal((await response.json()).code, 'tenant_required');
      assert.equal(await harness.forwarded(), before);
      assert.equal(app.ran.count, 0);
    } finally {
      await app.close();
    }
  });

  test('a tenant resolver of the app\'s own picks the tenant charged', async () => {
    const { tenant, app, used, call } = await tenantWithApp();
    try {
      const charged = await call('/workspace-calls', { 'x-workspace': tenant.tenantId });
      assert.equal(charged.status, 200);
      assert.equal(charged.headers.get('x-quota-remaining'), '9');
      const none = await call('/workspace-calls');
      assert.equal(none.status, 401);
      assert.equal((await none.json()).code, 'tenant_required');
      assert.equal(await used(), 1);
    } finally {
      await app.close();
    }
  });

  test('the caller\'s Idempotency-Key makes a retried call to the app deduct once', async () => {
    const { app, used, call } = await tenantWithApp();
    try {
      const first = await call('/calls', { 'idempotency-key': 'job-42' });
      const again = await call('/calls', { 'idempotency-key': 'job-42' });
      const other = await call('/calls', { 'idempotency-key': 'job-43' });
      assert.deepEqual([first.status, again.status, other.status], [200, 200, 200]);
      assert.equal(again.headers.get('x-quota-remaining'), '9');
      const body = await again.json();
      assert.equal(body.tollgate.quota[harness.quotaType].replayed, true);
      assert.equal(body.tollgate.quota[harness.quotaType].idempotencyKey, `mw:${harness.quotaType}:job-42`);
      // A key longer than Tollgate takes is sent as its hash, still once per key.
      const long = 'k'.repeat(300);
      const hashed = [await call('/calls', { 'idempotency-key': long }), await call('/calls', { 'idempotency-key': long })];
      assert.deepEqual(hashed.map((r) => r.headers.get('x-quota-remaining')), ['7', '7']);
      assert.equal(await used(), 3);
    } finally {
      await app.close();
    }
  });

  test('a response Tollgate dropped is retried by the guard\'s client under the same key and deducts once', async () => {
    const { app, used, call } = await tenantWithApp({ baseUrl: harness.proxyUrl });
    try {
      const before = await harness.forwarded();
      await harness.dropNext();
      const response = await call('/calls');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-quota-remaining'), '9');
      assert.equal((await response.json()).tollgate.quota[harness.quotaType].replayed, true);
      assert.equal(await harness.forwarded(), before + 2);
      assert.equal(await used(), 1);
    } finally {
      await app.close();
    }
  });

  test('refundOnServerError gives the deduction back when the endpoint answers 5xx or throws; without it, it is kept', async () => {
    const { app, used, call } = await tenantWithApp();
    try {
      assert.equal((await call('/throws')).status, 500);
      await eventually(used, 0);
      assert.equal((await call('/fails-kept')).status, 500);
      assert.equal((await call('/fails')).status, 500);
      await eventually(used, 1);
      assert.equal(app.ran.count, 3);
    } finally {
      await app.close();
    }
  });

  test('Tollgate unreachable: 503 tollgate_unavailable with Retry-After, or the endpoint when failing open; both logged', async () => {
    const { app, logger, call } = await tenantWithApp();
    try {
      const closed = await call('/closed');
      assert.equal(closed.status, 503);
      assert.equal(closed.headers.get('retry-after'), '5');
      assert.equal((await closed.json()).code, 'tollgate_unavailable');
      assert.equal(app.ran.count, 0);
      assert.equal(logger.lines.warn.length, 1);
      assert.match(logger.lines.warn[0], /answering 503/);

      const open = await call('/open');
      assert.equal(open.status, 200);
      assert.equal(app.ran.count, 1);
      assert.equal(logger.lines.warn.length, 2);
      assert.match(logger.lines.warn[1], /failing open/);
    } finally {
      await app.close();
    }
  });

  test('Tollgate refusing the app (a bad key, an unknown quota type) is 503 without Tollgate\'s detail, logged as an error', async () => {
    const wrongKey = await tenantWithApp({ apiKey: 'tg_not-a-key' });
    const rightKey = await tenantWithApp();
    try {
      for (const [{ app, logger, call }, path, status] of [[wrongKey, '/calls', 401], [rightKey, '/unknown-quota', 404]]) {
        const response = await call(path);
        assert.equal(response.status, 503);
        const body = await response.json();
        assert.equal(body.code, 'tollgate_unavailable');
        assert.doesNotMatch(JSON.stringify(body), /not-in-the-catalog|API key/i);
        assert.equal(app.ran.count, 0);
        assert.equal(logger.lines.error.length, 1);
        assert.match(logger.lines.error[0], new RegExp(`refused .* with ${status}`));
        assert.equal(logger.lines.warn.length, 0);
      }
    } finally {
      await wrongKey.app.close();
      await rightKey.app.close();
    }
  });
});

describe('credits guard', () => {
  test('spends the tool\'s price with X-Credits-Remaining, answers 402 insufficient_credits when short, refunds a 5xx', async () => {
    const { tenant, client, app, call } = await tenantWithApp();
    try {
      const spent = await call('/render?units=10');
      assert.equal(spent.status, 200);
      assert.equal(spent.headers.get('x-credits-remaining'), '80');
      assert.equal((await spent.json()).tollgate.credits[harness.tool].spent, 20);

      const short = await call('/render?units=41');
      assert.equal(short.status, 402);
      assert.equal(short.headers.get('content-type'), 'application/problem+json');
      assert.equal(short.headers.get('x-credits-remaining'), '80');
      const problem = await short.json();
      assert.equal(problem.code, 'insufficient_credits');
      assert.deepEqual([problem.needed, problem.available], [82, 80]);
      assert.equal(app.ran.count, 1);

      assert.equal((await call('/render-fails')).status, 502);
      await eventually(async () => (await client.credits(tenant.tenantId)).available, 80);
      assert.equal(app.ran.count, 2);
    } finally {
      await app.close();
    }
  });
});

describe('client against the silo', () => {
  test('a consume whose answer was dropped is retried under the same key: deducted once, the answer is the replay', async () => {
    const tenant = await harness.newTenant();
    const client = new TollgateClient({ baseUrl: harness.proxyUrl, apiKey: tenant.apiKey, retryBaseDelayMs: 10 });
    const before = await harness.forwarded();
    await harness.dropNext();
    const answer = await client.consume({ quotaType: harness.quotaType, amount: 1 });
    assert.equal(answer.replayed, true);
    assert.deepEqual([answer.used, answer.remaining], [1, 9]);
    assert.equal(await harness.forwarded(), before + 2);
    const quota = (await client.quotas(tenant.tenantId)).find((q) => q.quotaType === harness.quotaType);
    assert.equal(quota.used, 1);
  });

  test('every operation round-trips, and problems come back typed', async () => {
    const tenant = await harness.newTenant();
    const other = await harness.newTenant();
    const client = new TollgateClient({ baseUrl: harness.baseUrl, apiKey: tenant.apiKey });
    const quotaType = harness.quotaType;

    const checked = await client.check({ quotaType, amount: 10 });
    assert.deepEqual([checked.allowed, checked.remaining], [true, 10]);
    const consumed = await client.consume({ quotaType, amount: 3 }, { idempotencyKey: 'c-1' });
    assert.deepEqual([consumed.used, consumed.replayed, consumed.resetsAt], [3, false, null]);
    const byKey = await client.refund({ quotaType, amount: 1, consumeIdempotencyKey: 'c-1' });
    assert.deepEqual([byKey.refunded, byKey.used], [1, 2]);
    const byId = await client.refund({ quotaType, amount: 2, consumeId: consumed.consumeId });
    assert.equal(byId.used, 0);

    const exceeded = await client.consume({ quotaType, amount: 11 }).catch((e) => e);
    assert.ok(exceeded instanceof QuotaExceededError);
    assert.deepEqual([exceeded.limit, exceeded.used, exceeded.remaining, exceeded.resetsAt], [10, 0, 10, null]);
    const again = await client.refund({ quotaType, amount: 1, consumeId: consumed.consumeId }).catch((e) => e);
    assert.ok(again instanceof TollgateError);
    assert.deepEqual([again.status, again.code], [409, 'already_refunded']);
    const foreign = await client.consume({ quotaType, amount: 1, tenantId: other.tenantId }).catch((e) => e);
    assert.deepEqual([foreign.status, foreign.code], [404, 'not_found']);

    const spend = await client.creditsConsume({ tool: harness.tool, units: 5 });
    assert.deepEqual([spend.spent, spend.available], [10, 90]);
    const refunded = await client.creditsRefund({ spendId: spend.spendId, credits: 4 });
    assert.deepEqual([refunded.refunded, refunded.available], [4, 94]);
    const short = await client.creditsConsume({ tool: harness.tool, units: 48 }).catch((e) => e);
    assert.ok(short instanceof InsufficientCreditsError);
    assert.deepEqual([short.needed, short.available], [96, 94]);

    const held = await client.createReservation({ tool: harness.tool, units: 10, ttlSeconds: 600 });
    assert.deepEqual([held.held, held.available], [20, 74]);
    const settled = await client.settleReservation({ reservationId: held.id, units: 3 });
    assert.deepEqual([settled.spent, settled.released, settled.available], [6, 14, 88]);
    const second = await client.createReservation({ tool: harness.tool, units: 1, ttlSeconds: 60 });
    const released = await client.releaseReservation({ reservationId: second.id });
    assert.deepEqual([released.released, released.available], [2, 88]);
    const ended = await client.releaseReservation({ reservationId: held.id }).catch((e) => e);
    assert.deepEqual([ended.status, ended.code], [409, 'reservation_ended']);

    const wallet = await client.credits(tenant.tenantId);
    assert.deepEqual([wallet.balance, wallet.held, wallet.available], [88, 0, 88]);
    assert.ok(wallet.grants.length >= 1);

    const usage = await client.usage(tenant.tenantId, { quotaType, groupBy: 'month' });
    assert.deepEqual(usage.items.map((t) => [t.quotaType, t.consumed, t.refunded, t.net]), [[quotaType, 3, 3, 0]]);
  });

  test('one platform key acts for each tenant its calls name, and for none without one', async () => {
    const [first, second] = [await harness.newTenant(), await harness.newTenant()];
    const platform = new TollgateClient({ baseUrl: harness.baseUrl, apiKey: harness.platformKey });
    const quotaType = harness.quotaType;
    await platform.consume({ quotaType, amount: 2, tenantId: first.tenantId });
    await platform.consume({ quotaType, amount: 5, tenantId: second.tenantId });
    const unnamed = await platform.consume({ quotaType, amount: 1 }).catch((e) => e);
    const used = async (tenantId) => (await platform.quotas(tenantId)).find((q) => q.quotaType === quotaType).used;
    assert.deepEqual([await used(first.tenantId), await used(second.tenantId)], [2, 5]);
    assert.deepEqual([unnamed.status, unnamed.code], [400, 'validation_failed']);
  });
});

describe('OpenAPI', () => {
  test('every operation the client calls, every field it sends and every field it hands back is in the silo\'s document', async () => {
    const document = await (await fetch(`${harness.baseUrl}/openapi/v1.json`)).json();
    const missing = [];
    for (const [name, operation] of Object.entries(operations)) {
      const described = document.paths[operation.path]?.[operation.method.toLowerCase()];
      if (!described) {
        missing.push(`${name}: ${operation.method} ${operation.path}`);
        continue;
      }
      const parameters = (described.parameters ?? []).map((p) => `${p.in}:${p.name}`);
      for (const field of operation.query) if (!parameters.includes(`query:${field}`)) missing.push(`${name}: query ${field}`);
      if (operation.mutating && !parameters.includes('header:Idempotency-Key')) missing.push(`${name}: header Idempotency-Key`);
      const requestFields = fields(document, described.requestBody?.content?.['application/json']?.schema);
      for (const field of operation.body) if (!requestFields.has(field)) missing.push(`${name}: request field ${field}`);
      const success = Object.entries(described.responses).find(([status]) => status.startsWith('2'))?.[1];
      const answerFields = fields(document, success?.content?.['application/json']?.schema);
      for (const field of operation.answer) if (!answerFields.has(field)) missing.push(`${name}: answer field ${field}`);
    }
    const exceeded = fields(document, document.paths['/v1/quota/consume'].post.responses['402'].content['application/problem+json'].schema);
    for (const field of ['code', 'limit', 'used', 'remaining', 'resetsAt']) {
      if (!exceeded.has(field)) missing.push(`402 quota_exceeded: ${field}`);
    }
    assert.deepEqual(missing, []);
  });
});

/** The property names a schema allows: through `$ref`, `oneOf`/`anyOf`/`allOf`, and an array's items. */
function fields(document, schema, seen = new Set()) {
  const names = new Set();
  if (!schema || seen.has(schema)) return names;
  seen.add(schema);
  if (schema.$ref) {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce((node, part) => node?.[part], document);
    return fields(document, target, seen);
  }
  for (const part of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? []), schema.items]) {
    for (const name of fields(document, part, seen)) names.add(name);
  }
  for (const name of Object.keys(schema.properties ?? {})) names.add(name);
  return names;
}
