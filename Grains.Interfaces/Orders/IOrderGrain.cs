using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>
/// One Alipay or WeChat Pay order (key: its id, <see cref="OrderIds.Order"/>). It is paid once and applied once: the plan's
/// periods or the pack's credits follow the first report that it is paid (a notification, a poll's query, the query at expiry),
/// and every later report changes nothing. A reminder asks the provider once more at expiry, then closes the trade.
/// </summary>
[Alias("tollgate.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Creates the order and starts its trade at the provider; the same request again answers the order as it is.</summary>
    Task<OrderResult> Create(NewOrder order, AuditActor actor);

    /// <summary>The order, if it is <paramref name="tenantId"/>'s (null for every tenant: the operator).</summary>
    Task<OrderInfo?> Get(string? tenantId);

    /// <summary>
    /// The order for a checkout page that polls it: a pending order asks the provider, at most once per
    /// 5 seconds. Null when it is not <paramref name="tenantId"/>'s.
    /// </summary>
    Task<OrderInfo?> Poll(string tenantId);

    /// <summary>A verified notification from the order's provider.</summary>
    Task<NoticeResult> Notify(OrderNotice notice, AuditActor actor);

    /// <summary>Refunds part or all of what was paid; a refund id applies once.</summary>
    Task<OrderResult> Refund(OrderRefundOrder refund, AuditActor actor);
}
