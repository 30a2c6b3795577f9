namespace Tollgate.Grains.Billing;

/// <summary>Whether a change of plan applies at once (an upgrade) or at the period's end (a downgrade).</summary>
public static class PlanChange
{
    /// <summary>
    /// A downgrade costs less per month, or lowers or drops any limit. Prices compare exactly: a
    /// yearly price against twelve months of a monthly one, in whole minor units.
    /// </summary>
    public static bool IsDowngrade(PlanInfo from, PlanInfo to)
    {
        static Int128 PerYear(PlanInfo plan) => plan.Interval == BillingInterval.Year ? plan.PriceMinor : (Int128)plan.PriceMinor * 12;
        return PerYear(to) < PerYear(from) || from.Quotas.Any(q => !to.Quotas.TryGetValue(q.Key, out var limit) || limit < q.Value);
    }
}
