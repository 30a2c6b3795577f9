namespace Tollgate.Grains.Analytics;

/// <summary>
/// What one change adds to one month's figures in one currency: MRR moved, paying tenants gained or lost, trials, money
/// paid. <see cref="Id"/> names the change (the grain and its own count of changes), so a redelivery applies once.
/// </summary>
/// <param name="Month">The UTC month the change took effect in, "yyyy-MM".</param>
/// <param name="PayingDelta">+1 when the tenant starts paying in the currency, -1 when it stops.</param>
/// <param name="RevenueMinor">Paid in the month (a refund is negative, in the month it is made).</param>
/// <param name="TenantsChurned">1 when the tenant stops paying in the currency (logo churn).</param>
/// <param name="TrialsEnded">1 when a paid plan's trial ends, converting or not.</param>
/// <param name="Provider">Who took the payment ("stripe", "alipay", "wechat"), for a payment.</param>
/// <param name="Plan">What a payment paid for: a plan's id, <see cref="CreditPacks"/>, or <see cref="Unattributed"/>.</param>
[GenerateSerializer, Immutable, Alias("tollgate.RevenueMovement")]
public sealed record RevenueMovement(
    string Id, string Month, string Currency,
    long NewMrrMinor = 0, long ExpansionMrrMinor = 0, long ContractionMrrMinor = 0,
    long ChurnedMrrMinor = 0, int PayingDelta = 0, int TrialsStarted = 0,
    int TrialsConverted = 0, long RevenueMinor = 0, int TenantsChurned = 0, int TrialsEnded = 0,
    string? Provider = null, string? Plan = null)
{
    /// <summary>What credit packs' payments count under in revenue by plan (no plan id starts with "_").</summary>
    public const string CreditPacks = "_credit_packs";

    /// <summary>A payment or refund whose plan is not known (a refund made at the provider).</summary>
    public const string Unattributed = "_other";
}
