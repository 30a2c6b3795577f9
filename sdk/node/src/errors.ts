import type { ProblemDocument } from './types.js';

/** Tollgate answered with a problem document (RFC 9457). */
export class TollgateError extends Error {
  override name = 'TollgateError';
  /** The HTTP status. */
  readonly status: number;
  /** The problem's stable `code` (`not_found`, `quota_exceeded`, ...). */
  readonly code: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  /** The whole problem document, extensions included. */
  readonly problem: ProblemDocument;
  /** The answer's headers (`X-Quota-*`, `X-Credits-Remaining`, `Retry-After`, ...). */
  readonly headers: Headers;

  constructor(status: number, problem: ProblemDocument, headers: Headers, options?: { cause?: unknown }) {
    super(problem.detail ?? problem.title ?? `Tollgate answered ${status}`, options);
    this.status = status;
    this.problem = problem;
    this.headers = headers;
    this.code = typeof problem.code === 'string' ? problem.code : undefined;
    this.title = problem.title;
    this.detail = problem.detail;
  }
}

/** 402 `quota_exceeded`: the amount does not fit in what remains; nothing was deducted. */
export class QuotaExceededError extends TollgateError {
  override name = 'QuotaExceededError';
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** ISO 8601; null for a lifetime window. */
  readonly resetsAt: string | null;

  constructor(status: number, problem: ProblemDocument, headers: Headers) {
    super(status, problem, headers);
    this.limit = Number(problem.limit);
    this.used = Number(problem.used);
    this.remaining = Number(problem.remaining);
    this.resetsAt = typeof problem.resetsAt === 'string' ? problem.resetsAt : null;
  }
}

/** 402 `insufficient_credits`: the available credits do not cover the call; nothing was spent or held. */
export class InsufficientCreditsError extends TollgateError {
  override name = 'InsufficientCreditsError';
  readonly needed: number;
  readonly balance: number;
  readonly held: number;
  readonly available: number;

  constructor(status: number, problem: ProblemDocument, headers: Headers) {
    super(status, problem, headers);
    this.needed = Number(problem.needed);
    this.balance = Number(problem.balance);
    this.held = Number(problem.held);
    this.available = Number(problem.available);
  }
}

/**
 * Tollgate could not be reached, timed out, or answered 5xx on every attempt. `status` is the last 5xx
 * Tollgate answered (its problem document in `problem`), or 503 when no answer came at all (`cause` says why).
 */
export class TollgateUnavailableError extends TollgateError {
  override name = 'TollgateUnavailableError';
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(attempts: number, last: { status: number; problem: ProblemDocument; headers: Headers } | undefined, cause?: unknown) {
    const problem: ProblemDocument = last?.problem ?? {
      title: 'Tollgate unavailable',
      status: 503,
      code: 'tollgate_unavailable',
      detail: `Tollgate did not answer after ${attempts} attempt(s): ${describe(cause)}`,
    };
    super(last?.status ?? 503, problem, last?.headers ?? new Headers(), { cause });
    this.attempts = attempts;
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${cause.message}${inner}`;
}

/** The typed error for a problem answer: 402s by their code, everything else as {@link TollgateError}. */
export function problemError(status: number, problem: ProblemDocument, headers: Headers): TollgateError {
  if (status === 402 && problem.code === 'quota_exceeded') return new QuotaExceededError(status, problem, headers);
  if (status === 402 && problem.code === 'insufficient_credits') return new InsufficientCreditsError(status, problem, headers);
  return new TollgateError(status, problem, headers);
}
