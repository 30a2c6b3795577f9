namespace Tollgate.Grains.Credits;

/// <summary>
/// Credits given to a wallet. A negative <paramref name="Amount"/> is an adjustment that takes credits
/// away (never below zero). The key makes a replay apply once.
/// </summary>
/// <param name="Source">One of <see cref="CreditSources"/>.</param>
/// <param name="Priority">Spends take from the highest priority first, then the soonest expiry, then the oldest.</param>
/// <param name="ExpiresAt">When the grant's remainder leaves the balance; null for never.</param>
/// <param name="Reason">Why, for operator grants and adjustments (required for those).</param>
[GenerateSerializer, Immutable, Alias("tollgate.CreditGrant")]
public sealed record CreditGrant(
    long Amount, string Source, int Priority, DateTimeOffset? ExpiresAt, string IdempotencyKey, string? Reason);
