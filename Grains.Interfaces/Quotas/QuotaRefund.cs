namespace Tollgate.Grains.Quotas;

/// <summary>
/// A refund of part of a consume, named by its <paramref name="ConsumeId"/> or by the idempotency key it
/// was made with (<paramref name="ConsumeKey"/>); exactly one of the two is set.
/// </summary>
/// <param name="IdempotencyKey">The refund's own key: the same refund again replays its first answer.</param>
[GenerateSerializer, Immutable, Alias("tollgate.QuotaRefund")]
public sealed record QuotaRefund(long Amount, string? ConsumeId, string? ConsumeKey, string? IdempotencyKey)
{
    /// <summary>What a refund key is bound to: a key reused for a refund that differs in any of these is refused.</summary>
    public string Fingerprint => ConsumeId is { } id ? $"consumeId:{id}:{Amount}" : $"idempotencyKey:{ConsumeKey}:{Amount}";
}
