namespace Tollgate.Grains.Credits;

/// <summary>An automatic purchase of a credit pack; the provider applies one <paramref name="IdempotencyKey"/> once.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.OffSessionCharge")]
public sealed record OffSessionCharge(
    string TenantId, string PaymentMethodId, long AmountMinor, string Currency, string PackId, long Credits, string IdempotencyKey);
