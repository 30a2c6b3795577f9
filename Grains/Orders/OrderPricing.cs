using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Orders;

/// <summary>What an order costs, from the catalog: in fen, never from the client.</summary>
public static class OrderPricing
{
    public const string Currency = "cny";

    /// <summary>The order's price, or why the item cannot be ordered (<see cref="OrderPrice.Outcome"/>).</summary>
    public static OrderPrice Price(CatalogSnapshot catalog, OrderItem item)
    {
        if (item.PlanId is { } planId)
        {
            if (catalog.Plan(planId) is not { Archived: false } plan) return OrderPrice.Fail(OrderOutcome.NotFound, $"Plan '{planId}'");
            var price = plan.PriceIn(Currency);
            if (price is not > 0)
                return OrderPrice.Fail(OrderOutcome.NoCnyPrice, $"Plan '{planId}' has no price in {Currency}: it cannot be ordered.");
            var subject = item.Periods == 1 ? plan.Name : $"{plan.Name} x {item.Periods}";
            return new(checked(price.Value * item.Periods), subject, null, OrderOutcome.Ok, null);
        }
        if (catalog.CreditPack(item.PackId!) is not { Archived: false } pack)
            return OrderPrice.Fail(OrderOutcome.NotFound, $"Credit pack '{item.PackId}'");
        var packPrice = pack.PriceIn(Currency);
        if (packPrice is not > 0)
            return OrderPrice.Fail(OrderOutcome.NoCnyPrice, $"Credit pack '{pack.Id}' has no price in {Currency}: it cannot be ordered.");
        return new(packPrice.Value, pack.Name, pack.Credits, OrderOutcome.Ok, null);
    }
}

/// <param name="Credits">For a pack: what it grants.</param>
public sealed record OrderPrice(long AmountMinor, string Subject, long? Credits, OrderOutcome Outcome, string? Detail)
{
    public static OrderPrice Fail(OrderOutcome outcome, string detail) => new(0, "", null, outcome, detail);
}
