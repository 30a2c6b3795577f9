namespace Tollgate.Grains.Orders;

/// <param name="State">"succeeded", "processing" or "failed".</param>
public sealed record OrderRefundReply(string State, string? ProviderRefundId, DateTimeOffset? At, string? FailureReason);
