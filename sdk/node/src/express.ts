import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TollgateClient } from './client.js';
import { InsufficientCreditsError, QuotaExceededError, TollgateError, TollgateUnavailableError } from './errors.js';
import type { CreditsConsumeAnswer, ProblemDocument, QuotaConsumeAnswer } from './types.js';

/** The request as the guards read it: Express's `Request` is one. */
export interface GuardedRequest extends IncomingMessage {
  /** Set by the app's own authentication: the Tollgate tenant the caller belongs to. */
  tollgateTenant?: string;
  user?: { tenantId?: string };
  /** What the guards deducted for this request, for the endpoint to read. */
  tollgate?: { quota?: Record<string, QuotaConsumeAnswer>; credits?: Record<string, CreditsConsumeAnswer> };
}

/** Express's `next`. */
export type NextFunction = (error?: unknown) => void;

export type GuardMiddleware = (req: GuardedRequest, res: ServerResponse, next: NextFunction) => Promise<void>;

export interface GuardLogger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export interface GuardOptions {
  /** The request's tenant; default `req.tollgateTenant ?? req.user?.tenantId`. None: 401 `tenant_required`. */
  tenant?: (req: GuardedRequest) => string | undefined | null | Promise<string | undefined | null>;
  /** Give the deduction back when the endpoint answers 5xx (or throws into Express's error handler). Default false. */
  refundOnServerError?: boolean;
  /** When Tollgate is unreachable or failing, run the endpoint anyway instead of answering 503. Default false. */
  failOpen?: boolean;
  /** `Retry-After` seconds on the 503 `tollgate_unavailable` answer (default 5). */
  retryAfterSeconds?: number;
  /** Where failures are told: warnings when Tollgate is unavailable, errors when it refuses the app. Default `console`. */
  logger?: GuardLogger;
}

export type GuardAmount = number | ((req: GuardedRequest) => number);

/**
 * Deducts `amount` of `quotaType` from the request's tenant before the endpoint runs. Place it after the app's
 * authentication. Exhausted: 402 with Tollgate's problem and `X-Quota-*` headers, the endpoint does not run.
 * Allowed: the endpoint's response carries `X-Quota-Limit`, `X-Quota-Remaining` and `X-Quota-Reset`.
 */
export function requireQuota(
  client: TollgateClient, quotaType: string, amount: GuardAmount = 1, options: GuardOptions = {},
): GuardMiddleware {
  return guard(options, quotaType, async (req, res, tenantId, idempotencyKey) => {
    const size = typeof amount === 'function' ? amount(req) : amount;
    const answer = await client.consume({ quotaType, amount: size, tenantId }, { idempotencyKey });
    setHeader(res, 'X-Quota-Limit', answer.limit);
    setHeader(res, 'X-Quota-Remaining', answer.remaining);
    if (answer.resetsAt) setHeader(res, 'X-Quota-Reset', Math.floor(Date.parse(answer.resetsAt) / 1000));
    req.tollgate = { ...req.tollgate, quota: { ...req.tollgate?.quota, [quotaType]: answer } };
    return () => client.refund({ quotaType, amount: size, consumeId: answer.consumeId, tenantId },
      { idempotencyKey: `${idempotencyKey}:refund` });
  });
}

/**
 * Spends the credits `units` of `tool` cost from the request's tenant before the endpoint runs. Short: 402 with
 * Tollgate's problem and `X-Credits-Remaining`. Allowed: the endpoint's response carries `X-Credits-Remaining`.
 */
export function requireCredits(
  client: TollgateClient, tool: string, units: GuardAmount = 1, options: GuardOptions = {},
): GuardMiddleware {
  return guard(options, tool, async (req, res, tenantId, idempotencyKey) => {
    const size = typeof units === 'function' ? units(req) : units;
    const answer = await client.creditsConsume({ tool, units: size, tenantId }, { idempotencyKey });
    setHeader(res, 'X-Credits-Remaining', answer.available);
    req.tollgate = { ...req.tollgate, credits: { ...req.tollgate?.credits, [tool]: answer } };
    return () => client.creditsRefund({ spendId: answer.spendId, tenantId }, { idempotencyKey: `${idempotencyKey}:refund` });
  });
}

/** Answers with the headers of Tollgate's 402 that the app's caller should see. */
const passedHeaders = ['x-quota-limit', 'x-quota-remaining', 'x-quota-reset', 'x-credits-remaining'];

type Deduct = (req: GuardedRequest, res: ServerResponse, tenantId: string, idempotencyKey: string) => Promise<() => Promise<unknown>>;

function guard(options: GuardOptions, name: string, deduct: Deduct): GuardMiddleware {
  const logger = options.logger ?? console;
  const resolve = options.tenant ?? ((req: GuardedRequest) => req.tollgateTenant ?? req.user?.tenantId);
  const retryAfter = options.retryAfterSeconds ?? 5;
  return async (req, res, next) => {
    let tenantId: string | undefined | null;
    try {
      tenantId = await resolve(req);
    } catch (error) {
      return next(error);
    }
    if (!tenantId) {
      return problem(res, 401, { title: 'Tenant required', status: 401, code: 'tenant_required',
        detail: 'This request has no tenant to charge.' });
    }
    const key = idempotencyKey(name, req.headers['idempotency-key']);
    let refund: () => Promise<unknown>;
    try {
      refund = await deduct(req, res, tenantId, key);
    } catch (error) {
      if (error instanceof QuotaExceededError || error instanceof InsufficientCreditsError) {
        for (const header of passedHeaders) {
          const value = error.headers.get(header);
          if (value !== null) res.setHeader(header, value);
        }
        return problem(res, 402, error.problem);
      }
      if (!(error instanceof TollgateError)) return next(error);
      const unavailable = error instanceof TollgateUnavailableError || error.status === 429;
      if (unavailable) {
        logger.warn(`Tollgate is unavailable for ${name}; ${options.failOpen ? 'failing open' : 'answering 503'}: ${error.message}`);
        if (options.failOpen) return next();
      } else {
        logger.error(`Tollgate refused ${name} with ${error.status} ${error.code ?? ''}: ${error.message} (check the API key and ${name})`);
      }
      res.setHeader('Retry-After', String(retryAfter));
      return problem(res, 503, { title: 'Service unavailable', status: 503, code: 'tollgate_unavailable',
        detail: 'Usage cannot be checked right now; try again later.' });
    }
    if (options.refundOnServerError) {
      res.once('finish', () => {
        if (res.statusCode < 500) return;
        refund().catch((error: unknown) =>
          logger.warn(`Could not refund ${name} after the endpoint answered ${res.statusCode}: ${(error as Error).message}`));
      });
    }
    next();
  };
}

/**
 * The incoming `Idempotency-Key`, scoped to the guard (so a client retrying the app deducts once), or a new key
 * per request. One Tollgate would refuse (it takes at most 200 visible ASCII characters; the refund's key adds `:refund`)
 * is replaced by its SHA-256.
 */
function idempotencyKey(name: string, incoming: string | string[] | undefined): string {
  const given = Array.isArray(incoming) ? incoming[0] : incoming;
  if (!given) return `mw:${name}:${randomUUID()}`;
  const key = `mw:${name}:${given}`;
  if (key.length <= 190 && /^[\x21-\x7e]+$/.test(key)) return key;
  return `mw:${name}:sha256:${createHash('sha256').update(given).digest('base64url')}`;
}

function setHeader(res: ServerResponse, name: string, value: number): void {
  if (!res.headersSent) res.setHeader(name, String(value));
}

function problem(res: ServerResponse, status: number, document: ProblemDocument): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json');
  res.end(JSON.stringify(document));
}
