namespace Tollgate.Grains.Orders;

/// <summary>A provider's verified notification about an order, in Tollgate's terms.</summary>
/// <param name="AmountMinor">What was paid (or, for a refund, refunded), in fen.</param>
/// <param name="RefundId">For refunds: Tollgate's refund id.</param>
[GenerateSerializer, Immutable, Alias("tollgate.OrderNotice")]
public sealed record OrderNotice(
    string Provider, OrderNoticeKind Kind, string? ProviderTradeNo, long AmountMinor, string Currency, DateTimeOffset OccurredAt,
    string? RefundId);
