namespace Tollgate.Grains.Orders;

/// <param name="Status">"requested" (sent, no answer yet), "processing", "succeeded" or "failed".</param>
[GenerateSerializer, Immutable, Alias("tollgate.OrderRefundInfo")]
public sealed record OrderRefundInfo(
    string Id, long AmountMinor, string Reason, string Status, string? ProviderRefundId, DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt, string? FailureReason);
