using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.Reports;
using Tollgate.Grains.Analytics;

namespace Tollgate.Api;

/// <summary>One month's revenue figures in one currency; amounts in the currency's minor unit.</summary>
/// <param name="Month">"yyyy-MM", a UTC calendar month; the current month is so far.</param>
/// <param name="MrrMinor">Monthly recurring revenue at the month's end (now, for the current month).</param>
/// <param name="ArrMinor">MRR times 12.</param>
/// <param name="PayingTenants">Tenants paying in the currency at the month's end.</param>
/// <param name="ArpuMinor">MRR divided by paying tenants, rounded down; 0 without any.</param>
/// <param name="RevenueMinor">Paid in the month through any provider, less refunds made in it.</param>
/// <param name="TenantsChurned">Tenants that stopped paying in the currency in the month.</param>
/// <param name="LogoChurn">Tenants churned over paying tenants at the month's start (4 decimals); null without any.</param>
/// <param name="RevenueChurn">Churned and contraction MRR over MRR at the month's start (4 decimals); null without any.</param>
/// <param name="TrialsEnded">Trials of paid plans that ended in the month, paying or not.</param>
/// <param name="TrialConversion">Trials converted over trials ended in the month (4 decimals); null when none ended.</param>
/// <param name="RevenueByProvider">Revenue by who took the payment ("stripe", "alipay", "wechatpay").</param>
/// <param name="RevenueByPlan">Revenue by what was paid for: a plan's id, "_credit_packs", or "_other" (a refund made at the
/// provider).</param>
public sealed record AnalyticsMonthResponse(
    string Month, string Currency, long MrrMinor, long ArrMinor, long NewMrrMinor, long ExpansionMrrMinor, long ContractionMrrMinor,
    long ChurnedMrrMinor, int PayingTenants, long ArpuMinor, int TrialsStarted, int TrialsConverted, long RevenueMinor,
    long StartMrrMinor, int StartPayingTenants, int TenantsChurned, decimal? LogoChurn, decimal? RevenueChurn, int TrialsEnded,
    decimal? TrialConversion, IReadOnlyDictionary<string, long> RevenueByProvider, IReadOnlyDictionary<string, long> RevenueByPlan)
{
    public static AnalyticsMonthResponse Of(AnalyticsMonth m) => new(m.Month, m.Currency, m.MrrMinor, m.ArrMinor, m.NewMrrMinor,
        m.ExpansionMrrMinor, m.ContractionMrrMinor, m.ChurnedMrrMinor, m.PayingTenants, m.ArpuMinor, m.TrialsStarted, m.TrialsConverted,
        m.RevenueMinor, m.StartMrrMinor, m.StartPayingTenants, m.TenantsChurned, m.LogoChurn, m.RevenueChurn, m.TrialsEnded,
        m.TrialConversion, m.RevenueByProvider ?? new Dictionary<string, long>(), m.RevenueByPlan ?? new Dictionary<string, long>());
}

public sealed record AnalyticsResponse(IReadOnlyList<AnalyticsMonthResponse> Months);

/// <summary>A month's top tenants by usage, per quota type of the catalog.</summary>
/// <param name="Month">"yyyy-MM", a UTC calendar month; the current month is so far.</param>
public sealed record TopUsageResponse(string Month, IReadOnlyList<QuotaTypeTopUsage> QuotaTypes);

/// <summary>The operator's revenue analytics as JSON, for their own tools; the console's page reads the same
/// (<see cref="RevenueAnalytics"/>).</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/v1/admin/analytics").WithTags("Admin").RequireOperator();
        analytics.MapGet("", AnalyticsAsync)
            .WithName("GetRevenueAnalytics").WithSummary("Revenue analytics per month and currency (operator)")
            .WithDescription("MRR and its movements, paying tenants, ARPU, churn, trials and revenue (by provider and plan) for each "
                + "month from `from` to `to` (`yyyy-MM`, UTC; by default the last 12 months; at most "
                + $"{RevenueAnalytics.MaxMonths}) and each currency, never summed across currencies. Months after the current one "
                + "are left out; the current month is so far.");
        analytics.MapGet("/top-usage", TopUsageAsync)
            .WithName("GetTopUsage").WithSummary("Top tenants by usage per quota type in a month (operator)")
            .WithDescription($"For `month` (`yyyy-MM`, UTC; by default the current one, so far) and each quota type of the catalog, the "
                + $"{TopUsageReport.Shown} tenants with the most `used` (consumed less refunded, in the quota type's unit), most first, "
                + "as their quota counters last reported it (within `TopUsage:ReportPeriod` of a change). Never summed across "
                + "quota types.");
        return app;
    }

    private static async Task<Results<Ok<AnalyticsResponse>, ProblemHttpResult>> AnalyticsAsync(
        string? from, string? to, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var thisMonth = RevenueAnalytics.ThisMonth(time);
        var inputs = new Inputs();
        if (RevenueAnalytics.Range(from, to, thisMonth, inputs) is not { } range) return inputs.Problem();
        var months = await RevenueAnalytics.MonthsAsync(grains, range, thisMonth);
        return TypedResults.Ok(new AnalyticsResponse([.. months.Select(AnalyticsMonthResponse.Of)]));
    }

    private static async Task<Results<Ok<TopUsageResponse>, ProblemHttpResult>> TopUsageAsync(
        string? month, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var inputs = new Inputs();
        if (TopUsageReport.Month(month, RevenueAnalytics.ThisMonth(time), inputs) is not { } asked) return inputs.Problem();
        return TypedResults.Ok(new TopUsageResponse(RevenueAnalytics.Text(asked), await TopUsageReport.ReadAsync(grains, asked)));
    }
}
