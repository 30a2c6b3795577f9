using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>Revenue analytics' rules against figures worked out by hand: MRR movements, trials, months, ARPU.</summary>
public sealed class RevenueRulesTests
{
    private static readonly DateTimeOffset March10 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static SubscriptionPoint Point(long priceMinor, SubscriptionStatus status = SubscriptionStatus.Active, string currency = "usd",
        BillingInterval interval = BillingInterval.Month) => new(new PricedPlan(priceMinor, currency, interval), status);

    private static RevenueMovement Single(SubscriptionPoint? before, SubscriptionPoint? after, DateTimeOffset? at = null) =>
        Assert.Single(RevenueRules.Movements("tenant-1/7", before, after, at ?? March10));

    [Fact]
    public void Starting_to_pay_is_new_mrr_and_a_paying_tenant_in_the_month_of_the_change()
    {
        var m = Single(Point(0), Point(2_900));
        Assert.Equal(new RevenueMovement("tenant-1/7/usd", "2026-03", "usd", NewMrrMinor: 2_900, PayingDelta: 1), m);
    }

    [Fact]
    public void An_upgrade_is_expansion_and_a_downgrade_contraction_by_the_difference_with_no_change_in_paying_tenants()
    {
        Assert.Equal((0L, 7_000L, 0L, 0), Moved(Single(Point(2_900), Point(9_900))));
        Assert.Equal((0L, 0L, 4_900L, 0), Moved(Single(Point(9_900), Point(5_000))));
        Assert.Empty(RevenueRules.Movements("t/1", Point(2_900), Point(2_900), March10)); // a renewal moves nothing
        static (long New, long Expansion, long Contraction, int Paying) Moved(RevenueMovement m) =>
            (m.NewMrrMinor, m.ExpansionMrrMinor, m.ContractionMrrMinor, m.PayingDelta);
    }

    [Fact]
    public void A_cancellation_churns_what_the_tenant_paid_and_a_later_return_is_new_again()
    {
        var canceled = Single(Point(9_900), Point(9_900, SubscriptionStatus.Canceled));
        Assert.Equal((9_900L, -1, 1), (canceled.ChurnedMrrMinor, canceled.PayingDelta, canceled.TenantsChurned));
        var toFree = Single(Point(9_900), Point(0)); // falling back to the free default plan
        Assert.Equal((9_900L, -1), (toFree.ChurnedMrrMinor, toFree.PayingDelta));
        var endedWithoutPlan = Single(Point(9_900), null);
        Assert.Equal((9_900L, -1), (endedWithoutPlan.ChurnedMrrMinor, endedWithoutPlan.PayingDelta));
        var back = Single(Point(9_900, SubscriptionStatus.Canceled), Point(2_900));
        Assert.Equal((2_900L, 1, 0), (back.NewMrrMinor, back.PayingDelta, back.TenantsChurned));
    }

    [Fact]
    public void Past_due_still_pays_and_incomplete_does_not_yet()
    {
        Assert.Empty(RevenueRules.Movements("t/1", Point(2_900), Point(2_900, SubscriptionStatus.PastDue), March10));
        Assert.Equal(2_900, Single(Point(2_900, SubscriptionStatus.Incomplete), Point(2_900)).NewMrrMinor);
    }

    [Fact]
    public void A_yearly_price_is_a_twelfth_a_month_rounded_down_per_subscription()
    {
        Assert.Equal(8_333, RevenueRules.MrrOf(Point(99_999, interval: BillingInterval.Year))); // 99,999 / 12 = 8,333.25
        Assert.Equal(10_000, RevenueRules.MrrOf(Point(120_000, interval: BillingInterval.Year)));
        // Monthly 9,900 to yearly 99,999: 8,333 a month is a contraction of 1,567.
        Assert.Equal(1_567, Single(Point(9_900), Point(99_999, interval: BillingInterval.Year)).ContractionMrrMinor);
    }

    [Fact]
    public void Changing_currency_churns_in_the_old_one_and_is_new_in_the_other_never_netted_across_them()
    {
        var moved = RevenueRules.Movements("t/3", Point(2_900), Point(19_900, currency: "cny"), March10).OrderBy(m => m.Currency).ToList();
        Assert.Equal(
            [
                new RevenueMovement("t/3/cny", "2026-03", "cny", NewMrrMinor: 19_900, PayingDelta: 1),
                new RevenueMovement("t/3/usd", "2026-03", "usd", ChurnedMrrMinor: 2_900, PayingDelta: -1, TenantsChurned: 1),
            ],
            moved);
    }

    [Fact]
    public void A_paid_trial_starts_then_ends_converting_when_it_pays_or_only_ends_when_it_expires_unpaid()
    {
        var started = Single(Point(0), Point(2_900, SubscriptionStatus.Trialing));
        Assert.Equal(new RevenueMovement("tenant-1/7/usd", "2026-03", "usd", TrialsStarted: 1), started);
        var converted = Single(Point(2_900, SubscriptionStatus.Trialing), Point(2_900));
        Assert.Equal(new RevenueMovement("tenant-1/7/usd", "2026-03", "usd", NewMrrMinor: 2_900, PayingDelta: 1, TrialsConverted: 1,
            TrialsEnded: 1), converted);
        Assert.Equal(new RevenueMovement("tenant-1/7/usd", "2026-03", "usd", TrialsEnded: 1), // expired unpaid
            Single(Point(2_900, SubscriptionStatus.Trialing), Point(0)));
        Assert.Empty(RevenueRules.Movements("t/1", Point(0), Point(0, SubscriptionStatus.Trialing), March10)); // a free plan's trial
    }

    [Fact]
    public void Months_are_utc_calendar_months()
    {
        Assert.Equal("2026-03", RevenueRules.MonthOf(new DateTimeOffset(2026, 3, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal("2026-04", RevenueRules.MonthOf(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)));
        // 07:30 on April 1st in Beijing is still March 31st in UTC.
        Assert.Equal("2026-03", RevenueRules.MonthOf(new DateTimeOffset(2026, 4, 1, 7, 30, 0, TimeSpan.FromHours(8))));
        var newYearInParis = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(1));
        var paid = RevenueRules.Payment("in_1", "USD", 500, newYearInParis, "stripe", "pro");
        Assert.Equal(("2025-12", "usd"), (paid.Month, paid.Currency));
        Assert.Equal(new DateOnly(2026, 12, 1), RevenueTotals.ParseMonth("2026-12"));
        Assert.All(["2026-13", "2026-1", "26-12", "2026-12-01", "", null], bad => Assert.Null(RevenueTotals.ParseMonth(bad)));
    }

    [Fact]
    public void Arpu_is_mrr_over_paying_tenants_rounded_down_and_zero_without_any()
    {
        Assert.Equal(4_266, RevenueTotals.Arpu(12_800, 3)); // 4,266.67
        Assert.Equal(0, RevenueTotals.Arpu(0, 0));
    }

    [Fact]
    public void Totals_carry_mrr_and_paying_tenants_from_earlier_months_into_each_month_per_currency()
    {
        MonthFigures Month(string month, string currency, long added = 0, long churned = 0, int paying = 0, long revenue = 0) =>
            MonthFigures.Empty(month, currency) with
            {
                NewMrrMinor = added,
                ChurnedMrrMinor = churned,
                PayingDelta = paying,
                RevenueMinor = revenue,
            };
        var history = new[]
        {
            Month("2026-01", "usd", added: 5_000, paying: 2, revenue: 5_000),
            Month("2026-03", "usd", churned: 2_000, paying: -1, revenue: 3_000),
            Month("2026-02", "cny", added: 19_900, paying: 1, revenue: 19_900),
        };

        var totals = RevenueTotals.Totals(history, "2026-02", "2026-03");

        Assert.Equal(
            [
                ("2026-02", "cny", 19_900L, 1, 19_900L, 19_900L),
                ("2026-02", "usd", 5_000L, 2, 2_500L, 0L), // January's carried, nothing moved in February
                ("2026-03", "cny", 19_900L, 1, 19_900L, 0L),
                ("2026-03", "usd", 3_000L, 1, 3_000L, 3_000L),
            ],
            totals.Select(t => (t.Month, t.Currency, t.MrrMinor, t.PayingTenants, t.ArpuMinor, t.RevenueMinor)));
    }

    [Fact]
    public void Churn_is_measured_against_the_month_start_and_revenue_splits_by_provider_and_plan_adding_up_to_the_revenue()
    {
        var january = new[]
        {
            Move("a/1", "2026-01") with { NewMrrMinor = 5_000, PayingDelta = 1 },
            Move("b/1", "2026-01") with { NewMrrMinor = 3_000, PayingDelta = 1 },
            Move("c/1", "2026-01") with { NewMrrMinor = 2_000, PayingDelta = 1 },
            Move("d/1", "2026-01") with { TrialsStarted = 1 },
            RevenueRules.Payment("a/invoice", "USD", 5_000, new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), "stripe", "team"),
            RevenueRules.Payment("order/o1/paid", "usd", 3_000, new DateTimeOffset(2026, 1, 31, 23, 59, 0, TimeSpan.Zero), "alipay",
                "pro"),
        };
        var february = new[]
        {
            Move("a/2", "2026-02") with { ContractionMrrMinor = 1_000 },
            Move("c/2", "2026-02") with { ChurnedMrrMinor = 2_000, PayingDelta = -1, TenantsChurned = 1 },
            Move("d/2", "2026-02") with { NewMrrMinor = 4_000, PayingDelta = 1, TrialsEnded = 1, TrialsConverted = 1 },
            Move("e/2", "2026-02") with { TrialsEnded = 1 },
            RevenueRules.Payment("order/o2/paid", "usd", 900, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), "wechatpay",
                RevenueMovement.CreditPacks),
            RevenueRules.Payment("order/o1/refund/r1", "usd", -1_000, new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero), "alipay",
                "pro"),
        };
        MonthFigures Sum(string month, IEnumerable<RevenueMovement> moves) =>
            moves.Aggregate(MonthFigures.Empty(month, "usd"), (figures, m) => figures.Plus(m));

        var totals = RevenueTotals.Totals([Sum("2026-01", january), Sum("2026-02", february)], "2026-01", "2026-02");

        var (jan, feb) = (totals[0], totals[1]);
        Assert.Equal((10_000L, 120_000L, 3, 8_000L), (jan.MrrMinor, jan.ArrMinor, jan.PayingTenants, jan.RevenueMinor));
        Assert.Null(jan.LogoChurn); // nobody paid at January's start
        Assert.Null(jan.TrialConversion);
        Assert.Equal(new Dictionary<string, long> { ["stripe"] = 5_000, ["alipay"] = 3_000 }, jan.RevenueByProvider);
        Assert.Equal(new Dictionary<string, long> { ["team"] = 5_000, ["pro"] = 3_000 }, jan.RevenueByPlan);
        // February starts at 10,000 MRR and 3 paying: 1 of 3 tenants churned; (2,000 churned + 1,000 contraction) / 10,000.
        Assert.Equal((10_000L, 3, 11_000L, 3), (feb.StartMrrMinor, feb.StartPayingTenants, feb.MrrMinor, feb.PayingTenants));
        Assert.Equal((0.3333m, 0.3m, 0.5m), (feb.LogoChurn, feb.RevenueChurn, feb.TrialConversion));
        Assert.Equal(-100, feb.RevenueMinor);
        Assert.Equal(new Dictionary<string, long> { ["wechatpay"] = 900, ["alipay"] = -1_000 }, feb.RevenueByProvider);
        Assert.Equal(new Dictionary<string, long> { [RevenueMovement.CreditPacks] = 900, ["pro"] = -1_000 }, feb.RevenueByPlan);
    }

    private static RevenueMovement Move(string id, string month) => new(id, month, "usd");
}
