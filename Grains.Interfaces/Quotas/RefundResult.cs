namespace Tollgate.Grains.Quotas;

/// <param name="Refundable">What the consume still had to give back, when the refund asked more.</param>
[GenerateSerializer, Immutable, Alias("tollgate.RefundResult")]
public sealed record RefundResult(RefundOutcome Outcome, long Refunded, QuotaStatus? Status, bool Replayed = false, long Refundable = 0);
