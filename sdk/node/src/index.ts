export { TollgateClient, type TollgateClientOptions } from './client.js';
export { InsufficientCreditsError, QuotaExceededError, TollgateError, TollgateUnavailableError } from './errors.js';
export { operations, type Operation, type OperationName } from './operations.js';
export { parseRetryAfter } from './retry.js';
export type * from './types.js';
