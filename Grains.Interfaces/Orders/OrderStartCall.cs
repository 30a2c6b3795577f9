namespace Tollgate.Grains.Orders;

public sealed record OrderStartCall(
    string Provider, string OrderId, string Subject, long AmountMinor, string Currency, DateTimeOffset ExpiresAt, string? Channel);
