namespace Tollgate.Grains.Quotas;

/// <summary>
/// <c>KeyReused</c>: the idempotency key answered a different request. <c>TotalOverflow</c>: the amount
/// fits the limit but the day's total would no longer fit a 64-bit number; nothing was deducted.
/// </summary>
public enum ConsumeOutcome { Allowed, Exceeded, UnknownQuotaType, KeyReused, TotalOverflow }
