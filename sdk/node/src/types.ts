/** Requests and answers of Tollgate's quota and credits API, with the wire's own (camelCase) field names. */

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (every attempt and every wait between them). */
  signal?: AbortSignal;
}

/** Options of a call that changes something: it carries an `Idempotency-Key`. */
export interface MutatingCallOptions extends CallOptions {
  /** Sent as `Idempotency-Key`; a random one is generated for the call when absent. Every retry sends the same key. */
  idempotencyKey?: string;
}

/** What the client adds to the answer of a call that changes something. */
export interface IdempotentAnswer {
  /** The key the call was sent with (the caller's, or the one generated for it). */
  idempotencyKey: string;
  /** True when Tollgate answered `Idempotent-Replayed: true`: the first answer to this key, again. */
  replayed: boolean;
}

/**
 * `tenantId` is needed only with a platform key (one that may act for any tenant); an API key of a tenant
 * acts for its own tenant, and naming another one is 404.
 */
export interface TenantScoped {
  tenantId?: string;
}

export interface QuotaRequest extends TenantScoped {
  /** `{appId}/{key}`, e.g. `chat/messages`. */
  quotaType: string;
  /** A whole number greater than 0. */
  amount: number;
}

export interface QuotaNumbers {
  limit: number;
  used: number;
  remaining: number;
  /** ISO 8601; null for a lifetime window (it never resets). */
  resetsAt: string | null;
}

export interface QuotaCheckAnswer extends QuotaNumbers {
  allowed: boolean;
}

export interface QuotaConsumeAnswer extends QuotaCheckAnswer, IdempotentAnswer {
  /** Names this consume to a refund; opaque. */
  consumeId: string;
}

/** Names the consume by `consumeId`, or by the `consumeIdempotencyKey` it was made with (one of the two). */
export interface QuotaRefundRequest extends QuotaRequest {
  consumeId?: string;
  /** The consume's Idempotency-Key (sent as the body's `idempotencyKey`). */
  consumeIdempotencyKey?: string;
}

export interface QuotaRefundAnswer extends QuotaNumbers, IdempotentAnswer {
  refunded: number;
}

export interface QuotaStatus extends QuotaNumbers {
  quotaType: string;
}

export interface CreditsConsumeRequest extends TenantScoped {
  /** `{appId}/{key}`, e.g. `images/render`. */
  tool: string;
  units: number;
}

export interface CreditBalance {
  balance: number;
  held: number;
  available: number;
}

export interface CreditsConsumeAnswer extends CreditBalance, IdempotentAnswer {
  spent: number;
  spendId: string;
}

/** Names the spend by `spendId`, or by the `spendIdempotencyKey` it was made with (one of the two). */
export interface CreditsRefundRequest extends TenantScoped {
  spendId?: string;
  /** The spend's Idempotency-Key (sent as the body's `idempotencyKey`). */
  spendIdempotencyKey?: string;
  /** How many credits to give back; all that is left of the spend when absent. */
  credits?: number;
}

export interface CreditsRefundAnswer extends CreditBalance, IdempotentAnswer {
  refunded: number;
  spendId: string;
}

export interface ReservationRequest extends CreditsConsumeRequest {
  /** 1 to 86400. */
  ttlSeconds: number;
}

export interface ReservationAnswer extends IdempotentAnswer {
  id: string;
  held: number;
  expiresAt: string;
  balance: number;
  available: number;
}

export interface SettleRequest extends TenantScoped {
  reservationId: string;
  units: number;
}

export interface SettleAnswer extends CreditBalance, IdempotentAnswer {
  spent: number;
  released: number;
  spendId: string | null;
}

export interface ReleaseRequest extends TenantScoped {
  reservationId: string;
}

export interface ReleaseAnswer extends CreditBalance, IdempotentAnswer {
  released: number;
}

export interface CreditGrant {
  id: string;
  source: string;
  priority: number;
  remaining: number;
  expiresAt: string | null;
}

export interface CreditsAnswer extends CreditBalance {
  /** In the order spends take from them. */
  grants: CreditGrant[];
}

export interface UsageQuery {
  /** The first instant counted. */
  from?: Date | string;
  /** The instant counting stops, excluded. */
  to?: Date | string;
  quotaType?: string;
  groupBy?: 'day' | 'month';
}

export interface UsageTotal {
  period: string;
  quotaType: string;
  consumed: number;
  refunded: number;
  net: number;
}

export interface UsageAnswer {
  groupBy: 'day' | 'month';
  items: UsageTotal[];
}

/** An RFC 9457 problem document as Tollgate sends it: a stable `code` plus extensions (`limit`, `needed`, ...). */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  [extension: string]: unknown;
}
