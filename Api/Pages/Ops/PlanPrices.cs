using Tollgate.Grains.Billing;

namespace Tollgate.Api.Pages.Ops;

/// <summary>
/// A plan's prices, one per currency, the first being its main price (a plan stored before several prices has just that one).
/// </summary>
public static class PlanPrices
{
    public static IReadOnlyList<CurrencyPrice> Of(PlanInfo plan) =>
        plan.Prices ?? [new CurrencyPrice(plan.Currency.ToLowerInvariant(), plan.PriceMinor)];
}
