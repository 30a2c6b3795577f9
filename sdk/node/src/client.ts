import { randomUUID } from 'node:crypto';
import { problemError, TollgateUnavailableError } from './errors.js';
import { operations, type Operation } from './operations.js';
import { backoffDelay, delay, isRetryableStatus, parseRetryAfter } from './retry.js';
import type {
  CallOptions, CreditsAnswer, CreditsConsumeAnswer, CreditsConsumeRequest, CreditsRefundAnswer, CreditsRefundRequest,
  MutatingCallOptions, ProblemDocument, QuotaCheckAnswer, QuotaConsumeAnswer, QuotaRefundAnswer, QuotaRefundRequest,
  QuotaRequest, QuotaStatus, ReleaseAnswer, ReleaseRequest, ReservationAnswer, ReservationRequest, SettleAnswer,
  SettleRequest, UsageAnswer, UsageQuery,
} from './types.js';

export interface TollgateClientOptions {
  /** Where Tollgate listens, e.g. `https://tollgate.example.com`. */
  baseUrl: string;
  /** `tg_...`, sent as `X-Api-Key`. */
  apiKey: string;
  /** Attempts per call, the first included (default 3). */
  maxAttempts?: number;
  /** Time allowed to each attempt, answer body included (default 10 000 ms). */
  timeoutMs?: number;
  /** The first backoff ceiling; it doubles each attempt (default 200 ms). */
  retryBaseDelayMs?: number;
  /** The longest wait between attempts, backoff and `Retry-After` alike (default 10 000 ms). */
  retryMaxDelayMs?: number;
}

/** What one HTTP exchange gave. */
interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Tollgate's quota and credits API. Calls that change something carry an `Idempotency-Key` (the caller's or a
 * generated one) and every call is retried under that same key on network errors, timeouts, 408, 429 and 5xx,
 * honouring `Retry-After`. Problems are thrown as {@link TollgateError} and its subclasses.
 */
export class TollgateClient {
  readonly baseUrl: string;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly #apiKey: string;

  constructor(options: TollgateClientOptions) {
    if (!options?.baseUrl) throw new TypeError('TollgateClient needs a baseUrl.');
    if (!options.apiKey) throw new TypeError('TollgateClient needs an apiKey.');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.maxAttempts = positive(options.maxAttempts, 3, 'maxAttempts');
    this.timeoutMs = positive(options.timeoutMs, 10_000, 'timeoutMs');
    this.retryBaseDelayMs = positive(options.retryBaseDelayMs, 200, 'retryBaseDelayMs');
    this.retryMaxDelayMs = positive(options.retryMaxDelayMs, 10_000, 'retryMaxDelayMs');
  }

  /** Deducts `amount`; throws {@link QuotaExceededError} (402, nothing deducted) when it does not fit. */
  consume(request: QuotaRequest, options?: MutatingCallOptions): Promise<QuotaConsumeAnswer> {
    return this.#mutate(operations.consume, {}, pick(request, ['quotaType', 'amount', 'tenantId']), options);
  }

  /** Asks whether `amount` fits, deducting nothing; throws {@link QuotaExceededError} when it does not. */
  async check(request: QuotaRequest, options?: CallOptions): Promise<QuotaCheckAnswer> {
    const answer = await this.#call(operations.check, {}, pick(request, ['quotaType', 'amount', 'tenantId']), undefined, options);
    return answer.body as QuotaCheckAnswer;
  }

  /** Gives back some or all of a consume, named by `consumeId` or by the consume's Idempotency-Key. */
  refund(request: QuotaRefundRequest, options?: MutatingCallOptions): Promise<QuotaRefundAnswer> {
    const { consumeIdempotencyKey, ...rest } = request;
    const body = { ...pick(rest, ['quotaType', 'amount', 'consumeId', 'tenantId']), idempotencyKey: consumeIdempotencyKey };
    return this.#mutate(operations.refund, {}, body, options);
  }

  /** Spends the tool's price for `units`; throws {@link InsufficientCreditsError} (402, nothing spent) when short. */
  creditsConsume(request: CreditsConsumeRequest, options?: MutatingCallOptions): Promise<CreditsConsumeAnswer> {
    return this.#mutate(operations.creditsConsume, {}, pick(request, ['tool', 'units', 'tenantId']), options);
  }

  /** Gives back some (`credits`) or all of a spend, named by `spendId` or by the spend's Idempotency-Key. */
  creditsRefund(request: CreditsRefundRequest, options?: MutatingCallOptions): Promise<CreditsRefundAnswer> {
    const { spendIdempotencyKey, ...rest } = request;
    const body = { ...pick(rest, ['spendId', 'credits', 'tenantId']), idempotencyKey: spendIdempotencyKey };
    return this.#mutate(operations.creditsRefund, {}, body, options);
  }

  /** Holds credits for a job until settled, released or `ttlSeconds` have passed. */
  createReservation(request: ReservationRequest, options?: MutatingCallOptions): Promise<ReservationAnswer> {
    return this.#mutate(operations.createReservation, {}, pick(request, ['tool', 'units', 'ttlSeconds', 'tenantId']), options);
  }

  /** Spends what `units` cost of a reservation (at most what it holds) and releases the rest. */
  settleReservation(request: SettleRequest, options?: MutatingCallOptions): Promise<SettleAnswer> {
    return this.#mutate(operations.settleReservation, { reservationId: request.reservationId },
      pick(request, ['units', 'tenantId']), options);
  }

  /** Gives back all a reservation holds. */
  releaseReservation(request: ReleaseRequest, options?: MutatingCallOptions): Promise<ReleaseAnswer> {
    return this.#mutate(operations.releaseReservation, { reservationId: request.reservationId }, pick(request, ['tenantId']), options);
  }

  /** Every quota of the tenant with what remains. */
  async quotas(tenantId: string, options?: CallOptions): Promise<QuotaStatus[]> {
    return (await this.#call(operations.quotas, { tenantId }, undefined, undefined, options)).body as QuotaStatus[];
  }

  /** The tenant's wallet: balance, held, available and its grants in spend order. */
  async credits(tenantId: string, options?: CallOptions): Promise<CreditsAnswer> {
    return (await this.#call(operations.credits, { tenantId }, undefined, undefined, options)).body as CreditsAnswer;
  }

  /** Usage totals per day or month. */
  async usage(tenantId: string, query: UsageQuery = {}, options?: CallOptions): Promise<UsageAnswer> {
    const search = new URLSearchParams();
    for (const name of operations.usage.query) {
      const value = query[name as keyof UsageQuery];
      if (value !== undefined) search.set(name, value instanceof Date ? value.toISOString() : value);
    }
    return (await this.#call(operations.usage, { tenantId }, undefined, undefined, options, search)).body as UsageAnswer;
  }

  async #mutate<T>(operation: Operation<T>, path: Record<string, string>, body: object, options?: MutatingCallOptions): Promise<T> {
    const idempotencyKey = options?.idempotencyKey ?? randomUUID();
    const answer = await this.#call(operation, path, body, idempotencyKey, options);
    const replayed = answer.headers.get('idempotent-replayed')?.toLowerCase() === 'true';
    return { ...(answer.body as object), idempotencyKey, replayed } as T;
  }

  async #call<T>(
    operation: Operation<T>, pathValues: Record<string, string>, body: object | undefined, idempotencyKey: string | undefined,
    options: CallOptions | undefined, query?: URLSearchParams,
  ): Promise<Answer> {
    const url = new URL(this.baseUrl + expand(operation.path, pathValues));
    if (query) url.search = query.toString();
    const headers: Record<string, string> = { 'x-api-key': this.#apiKey, accept: 'application/json, application/problem+json' };
    let payload: string | undefined;
    if (operation.method === 'POST') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(wireBody(operation, body ?? {}));
    }
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    return this.#send(url, { method: operation.method, headers, body: payload }, options?.signal);
  }

  /** Sends until an answer that is final, or the attempts are spent. */
  async #send(url: URL, init: RequestInit, signal: AbortSignal | undefined): Promise<Answer> {
    let last: Answer | undefined;
    let failure: unknown;
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      try {
        last = await this.#attempt(url, init, signal);
        failure = undefined;
        if (last.status < 400) return last;
        if (!isRetryableStatus(last.status) || attempt >= this.maxAttempts) break;
        wait = parseRetryAfter(last.headers.get('retry-after'));
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        last = undefined;
        failure = error;
        if (attempt >= this.maxAttempts) break;
      }
      const pause = wait ?? backoffDelay(attempt, this.retryBaseDelayMs, this.retryMaxDelayMs);
      await delay(Math.min(pause, this.retryMaxDelayMs), signal);
    }
    if (last === undefined) throw new TollgateUnavailableError(this.maxAttempts, undefined, failure);
    const problem = asProblem(last);
    if (last.status >= 500 || last.status === 408) {
      throw new TollgateUnavailableError(this.maxAttempts, { status: last.status, problem, headers: last.headers });
    }
    throw problemError(last.status, problem, last.headers);
  }

  /** One exchange, body read included, within `timeoutMs`. */
  async #attempt(url: URL, init: RequestInit, signal: AbortSignal | undefined): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`No answer within ${this.timeoutMs} ms`, 'TimeoutError')), this.timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseJson(text) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a number greater than 0.`);
  return value;
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Pick<T, K> {
  const result = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function expand(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (!value) throw new TypeError(`${name} is required.`);
    return encodeURIComponent(value);
  });
}

/** The body to send, refusing a field the operation does not take (Tollgate reads bodies strictly). */
function wireBody<T>(operation: Operation<T>, body: object): object {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (!operation.body.includes(name)) throw new TypeError(`${operation.path} takes no field ${name}.`);
    result[name] = value;
  }
  return result;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asProblem(answer: Answer): ProblemDocument {
  if (answer.body !== null && typeof answer.body === 'object' && !Array.isArray(answer.body)) return answer.body as ProblemDocument;
  const detail = typeof answer.body === 'string' ? answer.body.slice(0, 500) : undefined;
  return { status: answer.status, title: `HTTP ${answer.status}`, detail };
}
