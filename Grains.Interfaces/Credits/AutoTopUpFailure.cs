namespace Tollgate.Grains.Credits;

/// <summary>Why the last automatic purchase failed; none starts again until the payment method changes.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AutoTopUpFailure")]
public sealed record AutoTopUpFailure(string? PaymentId, string? PaymentMethodId, string? Code, string Message, DateTimeOffset At);
