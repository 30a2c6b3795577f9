using System.Globalization;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// Revenue analytics' rules, pure. A subscription is paying while it is active or past due on a plan with a price; trialing,
/// incomplete and canceled subscriptions are not. Its MRR is its price per month: a monthly price as it is, a yearly price
/// divided by 12 and rounded down, per subscription (a total is the sum of its subscriptions' MRR, so the month's movements
/// add up to the change in MRR to the minor unit; a yearly subscription loses less than one minor unit a month). MRR is kept
/// per currency, never converted or summed across currencies. Months are UTC calendar months, "yyyy-MM".
/// </summary>
public static class RevenueRules
{
    /// <summary>The subscription's monthly recurring revenue, 0 when it is not paying.</summary>
    public static long MrrOf(SubscriptionPoint? point) =>
        point is { Plan.PriceMinor: > 0, Status: SubscriptionStatus.Active or SubscriptionStatus.PastDue } ? Monthly(point.Plan) : 0;

    /// <summary>The plan's price per month: yearly prices divided by 12, rounded down.</summary>
    public static long Monthly(PricedPlan plan) => plan.Interval == BillingInterval.Year ? plan.PriceMinor / 12 : plan.PriceMinor;

    /// <summary>A trial counts when it is a trial of a plan with a price: a free plan's trial converts to nothing.</summary>
    private static bool IsPaidTrial(SubscriptionPoint? point) => point is { Status: SubscriptionStatus.Trialing, Plan.PriceMinor: > 0 };

    /// <summary>
    /// What a change of a tenant's subscription from <paramref name="before"/> to <paramref name="after"/> (null: none) at
    /// <paramref name="at"/> adds to the month's figures, one movement per currency touched, none when nothing moved.
    /// Starting to pay is new MRR (a tenant that paid before and comes back, too: a reactivation is new); stopping is churn of
    /// what it paid; paying more or less in the same currency is expansion or contraction by the difference; paying in another
    /// currency is churn in the old one and new in the other. A trial starts when a paid plan's trial begins and converts when
    /// it ends in a paying subscription; a trial that ends unpaid only stops trialing.
    /// </summary>
    public static IReadOnlyList<RevenueMovement> Movements(string changeId, SubscriptionPoint? before, SubscriptionPoint? after,
        DateTimeOffset at)
    {
        var month = MonthOf(at);
        var movements = new Dictionary<string, RevenueMovement>(StringComparer.Ordinal);
        void Add(string currency, Func<RevenueMovement, RevenueMovement> change) =>
            movements[currency] = change(
                movements.GetValueOrDefault(currency) ?? new RevenueMovement($"{changeId}/{currency}", month, currency));

        var (was, now) = (MrrOf(before), MrrOf(after));
        if (was > 0 && now > 0 && before!.Plan.Currency == after!.Plan.Currency)
        {
            if (now > was) Add(after.Plan.Currency, m => m with { ExpansionMrrMinor = now - was });
            else if (now < was) Add(after.Plan.Currency, m => m with { ContractionMrrMinor = was - now });
        }
        else
        {
            if (was > 0) Add(before!.Plan.Currency, m => m with { ChurnedMrrMinor = was, PayingDelta = -1, TenantsChurned = 1 });
            if (now > 0) Add(after!.Plan.Currency, m => m with { NewMrrMinor = now, PayingDelta = m.PayingDelta + 1 });
        }
        if (IsPaidTrial(after) && !IsPaidTrial(before)) Add(after!.Plan.Currency, m => m with { TrialsStarted = 1 });
        if (IsPaidTrial(before) && !IsPaidTrial(after))
            Add(before!.Plan.Currency, m => m with { TrialsEnded = 1 });
        if (IsPaidTrial(before) && now > 0) Add(after!.Plan.Currency, m => m with { TrialsConverted = 1 });
        return [.. movements.Values];
    }

    /// <summary>Money paid (or, negative, refunded) at <paramref name="at"/>, counted in that month, through
    /// <paramref name="provider"/> for <paramref name="plan"/> (a plan's id, <see cref="RevenueMovement.CreditPacks"/> or
    /// <see cref="RevenueMovement.Unattributed"/>).</summary>
    public static RevenueMovement Payment(string paymentId, string currency, long amountMinor, DateTimeOffset at, string provider,
        string plan) =>
        new(paymentId, MonthOf(at), currency.ToLowerInvariant(), RevenueMinor: amountMinor, Provider: provider, Plan: plan);

    /// <summary>The UTC calendar month of <paramref name="at"/>.</summary>
    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString(RevenueTotals.MonthFormat, CultureInfo.InvariantCulture);
}
