namespace Tollgate.Grains.Orders;

/// <summary>The operator's refund of an order.</summary>
/// <param name="RefundId">From the request's idempotency key (<see cref="OrderIds.Refund"/>).</param>
/// <param name="AmountMinor">Null for all that is paid and not yet refunded.</param>
[GenerateSerializer, Immutable, Alias("tollgate.OrderRefundOrder")]
public sealed record OrderRefundOrder(string RefundId, long? AmountMinor, string Reason);
