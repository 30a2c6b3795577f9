import type {
  CreditsAnswer, CreditsConsumeAnswer, CreditsRefundAnswer, IdempotentAnswer, QuotaCheckAnswer, QuotaConsumeAnswer,
  QuotaRefundAnswer, QuotaStatus, ReleaseAnswer, ReservationAnswer, SettleAnswer, UsageAnswer,
} from './types.js';

/** A field of the answer as Tollgate sends it (the client adds `idempotencyKey` and `replayed` itself). */
type WireField<T> = Exclude<keyof T, keyof IdempotentAnswer> & string;

export interface Operation<TAnswer> {
  readonly method: 'GET' | 'POST';
  /** OpenAPI path template. */
  readonly path: string;
  /** The JSON body fields the client may send. */
  readonly body: readonly string[];
  /** The query parameters the client may send. */
  readonly query: readonly string[];
  /** The answer's fields the client hands back (of one item, for a list). */
  readonly answer: readonly WireField<TAnswer>[];
  /** Whether the call changes something (and so carries an Idempotency-Key). */
  readonly mutating: boolean;
}

function post<T>(path: string, body: string[], answer: WireField<T>[], mutating = true): Operation<T> {
  return { method: 'POST', path, body, query: [], answer, mutating };
}

function get<T>(path: string, answer: WireField<T>[], query: string[] = []): Operation<T> {
  return { method: 'GET', path, body: [], query, answer, mutating: false };
}

const quotaNumbers = ['limit', 'used', 'remaining', 'resetsAt'] as const;
const balance = ['balance', 'held', 'available'] as const;

/**
 * Every call the client makes, as Tollgate's OpenAPI document names it. The client builds its requests from
 * this table only (a body field not listed here is refused before sending), and the test suite checks the
 * table against the document a real silo serves.
 */
export const operations = {
  consume: post<QuotaConsumeAnswer>('/v1/quota/consume', ['quotaType', 'amount', 'tenantId'],
    ['allowed', ...quotaNumbers, 'consumeId']),
  check: post<QuotaCheckAnswer>('/v1/quota/check', ['quotaType', 'amount', 'tenantId'], ['allowed', ...quotaNumbers], false),
  refund: post<QuotaRefundAnswer>('/v1/quota/refund', ['quotaType', 'amount', 'consumeId', 'idempotencyKey', 'tenantId'],
    ['refunded', ...quotaNumbers]),
  quotas: get<QuotaStatus>('/v1/tenants/{tenantId}/quotas', ['quotaType', ...quotaNumbers]),
  usage: get<UsageAnswer>('/v1/tenants/{tenantId}/usage', ['groupBy', 'items'], ['from', 'to', 'quotaType', 'groupBy']),
  creditsConsume: post<CreditsConsumeAnswer>('/v1/credits/consume', ['tool', 'units', 'tenantId'], [...balance, 'spent', 'spendId']),
  creditsRefund: post<CreditsRefundAnswer>('/v1/credits/refund', ['spendId', 'idempotencyKey', 'credits', 'tenantId'],
    ['refunded', ...balance, 'spendId']),
  createReservation: post<ReservationAnswer>('/v1/credits/reservations', ['tool', 'units', 'ttlSeconds', 'tenantId'],
    ['id', 'held', 'expiresAt', 'balance', 'available']),
  settleReservation: post<SettleAnswer>('/v1/credits/reservations/{reservationId}/settle', ['units', 'tenantId'],
    ['spent', 'released', 'spendId', ...balance]),
  releaseReservation: post<ReleaseAnswer>('/v1/credits/reservations/{reservationId}/release', ['tenantId'], ['released', ...balance]),
  credits: get<CreditsAnswer>('/v1/tenants/{tenantId}/credits', [...balance, 'grants']),
} as const;

export type OperationName = keyof typeof operations;
