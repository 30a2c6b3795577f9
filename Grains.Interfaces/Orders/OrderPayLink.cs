namespace Tollgate.Grains.Orders;

public sealed record OrderPayLink(string? PayUrl, string? CodeUrl);
