namespace Tollgate.Grains.Billing;

/// <summary>
/// A plan's or pack's prices per currency. The first is always its <c>priceMinor</c> in its <c>currency</c> (what Stripe and
/// every client before several prices read); plans and packs stored before they had several prices have just that one.
/// </summary>
public static class CatalogPrices
{
    /// <summary>The prices to store: those given, or the single price when none were.</summary>
    public static IReadOnlyList<CurrencyPrice> Of(IReadOnlyList<CurrencyPrice>? prices, long priceMinor, string currency) =>
        prices is { Count: > 0 } ? prices.ToList() : [new CurrencyPrice(currency.ToLowerInvariant(), priceMinor)];

    /// <summary>Why the prices cannot be stored with this first price; null when they can.</summary>
    public static string? Problem(IReadOnlyList<CurrencyPrice>? prices, long priceMinor, string currency)
    {
        if (prices is null || prices.Count == 0) return null;
        if (!string.Equals(prices[0].Currency, currency, StringComparison.OrdinalIgnoreCase) || prices[0].AmountMinor != priceMinor)
            return $"The first price must be priceMinor in currency ({priceMinor} {currency.ToLowerInvariant()}).";
        if (prices.Any(p => p.AmountMinor < 0)) return "Prices are 0 or more minor units.";
        return prices.Select(p => p.Currency.ToLowerInvariant()).Distinct().Count() == prices.Count ? null : "One price per currency.";
    }

    public static PlanInfo WithPrices(PlanInfo plan) =>
        plan.Prices is null ? plan with { Prices = Of(null, plan.PriceMinor, plan.Currency) } : plan;

    public static CreditPackInfo WithPrices(CreditPackInfo pack) =>
        pack.Prices is null ? pack with { Prices = Of(null, pack.PriceMinor, pack.Currency) } : pack;
}
