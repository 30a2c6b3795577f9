namespace Tollgate.Grains.Credits;

/// <summary>What a tenant sets: buy <paramref name="PackId"/> when the available balance goes under <paramref name="Threshold"/>.</summary>
/// <param name="PaymentMethodId">A new payment method to charge (else the one saved from the latest checkout).</param>
[GenerateSerializer, Immutable, Alias("tollgate.AutoTopUpSettings")]
public sealed record AutoTopUpSettings(long Threshold, string PackId, int MaxPerMonth, bool Enabled, string? PaymentMethodId);
