namespace Tollgate.Grains.Orders;

/// <summary>
/// What an order buys: <paramref name="Periods"/> periods of plan <paramref name="PlanId"/>, or credit pack <paramref name="PackId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.OrderItem")]
public sealed record OrderItem(string? PlanId, int Periods, string? PackId)
{
    public bool IsPlan => PlanId is not null;
}
