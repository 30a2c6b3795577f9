namespace Tollgate.Grains.Credits;

/// <summary>Where a grant came from, as the API and the ledger name it.</summary>
public static class CreditSources
{
    public const string PlanRefill = "plan_refill";
    public const string Purchase = "purchase";
    public const string Promotion = "promotion";
    public const string AutoTopUp = "auto_topup";
    public const string Adjustment = "adjustment";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { PlanRefill, Purchase, Promotion, AutoTopUp, Adjustment };
}
