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
