using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Orders;

namespace Tollgate.Api.Payments.Orders;

/// <summary>
/// The order providers as an order's grain calls them (<see cref="IOrderProviders"/>): the provider picked by name, the notify URLs
/// built from <c>Payments:PublicBaseUrl</c>, and every failure answered rather than thrown, transient or not.
/// </summary>
public sealed class OrderPaymentProviders(
    IEnumerable<IOrderPaymentProvider> providers, IOptions<PaymentsOptions> options, ILogger<OrderPaymentProviders> logger)
    : IOrderProviders
{
    public const string NotConfigured = "payments_not_configured";

    /// <summary>The provider named <paramref name="name"/>, configured or not; null when there is none of that name.</summary>
    public IOrderPaymentProvider? Find(string name) => providers.FirstOrDefault(p => p.Name == name);

    public Task<ProviderAnswer<OrderPayLink>> StartAsync(OrderStartCall call, CancellationToken cancellationToken) =>
        CallAsync(call.Provider, call.OrderId, async provider =>
        {
            var channel = call.Channel == "h5" ? OrderChannel.H5 : OrderChannel.Pc;
            var start = await provider.StartAsync(new OrderPaymentRequest(call.OrderId, call.Subject, call.AmountMinor, call.Currency,
                call.ExpiresAt, channel, NotifyUrl(provider), ReturnUrl: null), cancellationToken);
            return new OrderPayLink(start.PayUrl?.AbsoluteUri, start.CodeUrl);
        });

    public Task<ProviderAnswer<OrderTrade>> QueryAsync(string provider, string orderId, CancellationToken cancellationToken) =>
        CallAsync(provider, orderId, async found =>
        {
            var query = await found.QueryAsync(orderId, cancellationToken);
            var state = query.State switch
            {
                OrderPaymentState.Pending => OrderTradeState.Pending,
                OrderPaymentState.Paid => OrderTradeState.Paid,
                OrderPaymentState.Closed => OrderTradeState.Closed,
                OrderPaymentState.Refunded => OrderTradeState.Refunded,
                _ => OrderTradeState.NotFound,
            };
            return new OrderTrade(state, query.ProviderTradeNo, query.AmountMinor, query.Currency, query.PaidAt);
        });

    public Task<ProviderAnswer<bool>> CloseAsync(string provider, string orderId, CancellationToken cancellationToken) =>
        CallAsync(provider, orderId, async found =>
        {
            await found.CloseAsync(orderId, cancellationToken);
            return true;
        });

    public Task<ProviderAnswer<OrderRefundReply>> RefundAsync(OrderRefundCall call, CancellationToken cancellationToken) =>
        CallAsync(call.Provider, call.OrderId, async provider =>
        {
            var outcome = await provider.RefundAsync(new OrderRefundRequest(call.OrderId, call.RefundId, call.RefundMinor, call.TotalMinor,
                call.Currency, call.Reason, NotifyUrl(provider)), cancellationToken);
            var state = outcome.State switch
            {
                OrderRefundState.Succeeded => RefundStatus.Succeeded,
                OrderRefundState.Processing => RefundStatus.Processing,
                _ => RefundStatus.Failed,
            };
            return new OrderRefundReply(state, outcome.ProviderRefundId, outcome.At, outcome.FailureReason);
        });

    private Uri NotifyUrl(IOrderPaymentProvider provider) => options.Value.NotifyUrl(provider.Name);

    private async Task<ProviderAnswer<T>> CallAsync<T>(string name, string orderId, Func<IOrderPaymentProvider, Task<T>> call)
    {
        if (Find(name) is not { IsConfigured: true } provider || options.Value.PublicBaseUrl is null)
            return ProviderAnswer<T>.Failed(new ProviderFailure(NotConfigured, $"{name} is not configured.", Transient: true));
        try
        {
            return ProviderAnswer<T>.Of(await call(provider));
        }
        catch (OrderProviderException failure)
        {
            logger.LogWarning("{Provider} failed for order {OrderId}: {Code} {Message}", name, orderId, failure.Code, failure.Message);
            return ProviderAnswer<T>.Failed(new ProviderFailure(failure.Code, failure.Message, failure.IsTransient));
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or IOException)
        {
            logger.LogWarning(failure, "{Provider} unreachable for order {OrderId}", name, orderId);
            return ProviderAnswer<T>.Failed(new ProviderFailure("unreachable", $"{name} could not be reached.", Transient: true));
        }
    }
}
