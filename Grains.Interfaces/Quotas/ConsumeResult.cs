namespace Tollgate.Grains.Quotas;

/// <param name="Replayed">True when an earlier answer with the same idempotency key was returned.</param>
/// <param name="ConsumeId">An allowed consume's id, which a refund names it by.</param>
[GenerateSerializer, Immutable, Alias("tollgate.ConsumeResult")]
public sealed record ConsumeResult(ConsumeOutcome Outcome, QuotaStatus? Status, bool Replayed = false, string? ConsumeId = null);
