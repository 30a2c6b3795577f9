namespace Tollgate.Grains.Orders;

public sealed record OrderRefundCall(
    string Provider, string OrderId, string RefundId, long RefundMinor, long TotalMinor, string Currency, string Reason);
