namespace Tollgate.Grains.Credits;

/// <summary>One automatic purchase: started, then succeeded or failed as the provider reports.</summary>
/// <param name="Key">The provider's idempotency key (tenant, month, charge number): a retried request creates no second charge.</param>
/// <param name="Status">pending, succeeded or failed.</param>
[GenerateSerializer, Immutable, Alias("tollgate.AutoTopUpCharge")]
public sealed record AutoTopUpCharge(
    string Key, string? PaymentId, string PackId, long Credits, long AmountMinor, string Currency, string Status, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt);
