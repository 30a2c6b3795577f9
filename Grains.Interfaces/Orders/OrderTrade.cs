namespace Tollgate.Grains.Orders;

public sealed record OrderTrade(
    OrderTradeState State, string? ProviderTradeNo, long? AmountMinor, string? Currency, DateTimeOffset? PaidAt);
