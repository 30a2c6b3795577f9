namespace Tollgate.Grains.Credits;

/// <summary>What the provider answered; credits are granted only when its webhook reports the payment succeeded.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.OffSessionChargeResult")]
public sealed record OffSessionChargeResult(OffSessionChargeStatus Status, string? PaymentId, string? FailureCode, string? FailureMessage);
