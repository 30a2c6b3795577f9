namespace Tollgate.Grains.Orders;

/// <summary>
/// Alipay and WeChat Pay as an order's grain calls them: implemented in the Api beside the providers (whose HTTP clients, keys
/// and notify URLs live there), in the same process. A failure is answered, not thrown, so the grain can record it.
/// </summary>
public interface IOrderProviders
{
    /// <summary>Creates the trade: Alipay's signed page URL, WeChat Pay's <c>code_url</c>.</summary>
    Task<ProviderAnswer<OrderPayLink>> StartAsync(OrderStartCall call, CancellationToken cancellationToken);

    /// <summary>What the provider holds for the order now.</summary>
    Task<ProviderAnswer<OrderTrade>> QueryAsync(string provider, string orderId, CancellationToken cancellationToken);

    /// <summary>Closes the unpaid trade (one the provider never created counts as closed).</summary>
    Task<ProviderAnswer<bool>> CloseAsync(string provider, string orderId, CancellationToken cancellationToken);

    Task<ProviderAnswer<OrderRefundReply>> RefundAsync(OrderRefundCall call, CancellationToken cancellationToken);
}

/// <summary>A provider's answer, or why there is none.</summary>
public sealed record ProviderAnswer<T>(T? Value, ProviderFailure? Failure)
{
    public static ProviderAnswer<T> Of(T value) => new(value, null);
    public static ProviderAnswer<T> Failed(ProviderFailure failure) => new(default, failure);
}

/// <param name="Code">The provider's own error code, or <c>payments_not_configured</c>.</param>
/// <param name="Transient">A later retry may succeed.</param>
public sealed record ProviderFailure(string Code, string Message, bool Transient);

public sealed record OrderStartCall(
    string Provider, string OrderId, string Subject, long AmountMinor, string Currency, DateTimeOffset ExpiresAt, string? Channel);

public sealed record OrderPayLink(string? PayUrl, string? CodeUrl);

public enum OrderTradeState { NotFound, Pending, Paid, Closed, Refunded }

public sealed record OrderTrade(OrderTradeState State, string? ProviderTradeNo, long? AmountMinor, string? Currency, DateTimeOffset? PaidAt);

public sealed record OrderRefundCall(
    string Provider, string OrderId, string RefundId, long RefundMinor, long TotalMinor, string Currency, string Reason);

/// <param name="State">"succeeded", "processing" or "failed".</param>
public sealed record OrderRefundReply(string State, string? ProviderRefundId, DateTimeOffset? At, string? FailureReason);
