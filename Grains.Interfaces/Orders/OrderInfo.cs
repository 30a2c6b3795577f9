namespace Tollgate.Grains.Orders;

/// <summary>An order as its grain holds it.</summary>
/// <param name="Credits">For a pack: the credits it grants.</param>
/// <param name="PayUrl">Alipay's signed page URL, once the trade is started.</param>
/// <param name="CodeUrl">WeChat Pay's <c>weixin://</c> URL for the QR code, once the trade is started.</param>
/// <param name="Fulfilled">The paid periods or credits are applied.</param>
/// <param name="RefundDue">Paid after the order closed, or paid for what could no longer be applied: the money is to go back.</param>
[GenerateSerializer, Immutable, Alias("tollgate.OrderInfo")]
public sealed record OrderInfo(
    string Id, string TenantId, string Provider, string? Channel, OrderItem Item, long? Credits, string Subject, long AmountMinor,
    string Currency, OrderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? PayUrl, string? CodeUrl,
    string? ProviderTradeNo, DateTimeOffset? PaidAt, DateTimeOffset? ClosedAt, string? CloseReason, bool Fulfilled, bool RefundDue,
    long RefundedMinor, IReadOnlyList<OrderRefundInfo> Refunds);
