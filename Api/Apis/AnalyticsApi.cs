using System.Globalization;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Analytics;

namespace Tollgate.Api;

/// <summary>One month's revenue figures in one currency; amounts in the currency's minor unit.</summary>
/// <param name="Month">"yyyy-MM", a UTC calendar month; the current month is so far.</param>
/// <param name="MrrMinor">Monthly recurring revenue at the month's end (now, for the current month).</param>
/// <param name="PayingTenants">Tenants paying in the currency at the month's end.</param>
/// <param name="ArpuMinor">MRR divided by paying tenants, rounded down; 0 without any.</param>
/// <param name="RevenueMinor">Paid in the month through any provider, less refunds made in it.</param>
public sealed record AnalyticsMonthResponse(
    string Month, string Currency, long MrrMinor, long NewMrrMinor, long ExpansionMrrMinor, long ContractionMrrMinor,
    long ChurnedMrrMinor, int PayingTenants, long ArpuMinor, int TrialsStarted, int TrialsConverted, long RevenueMinor);

public sealed record AnalyticsResponse(IReadOnlyList<AnalyticsMonthResponse> Months);

/// <summary>The operator's revenue analytics as JSON, for their own tools and the console's pages.</summary>
public static class AnalyticsApi
{
    /// <summary>The most months one request covers.</summary>
    public const int MaxMonths = 36;

    private const string MonthFormat = "yyyy-MM";

    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/admin/analytics").WithTags("Admin").RequireOperator()
            .MapGet("", AnalyticsAsync)
            .WithName("GetRevenueAnalytics").WithSummary("Revenue analytics per month and currency (operator)")
            .WithDescription("MRR and its movements, paying tenants, ARPU, trials and revenue for each month from `from` to `to` "
                + $"(`yyyy-MM`, UTC; by default the last 12 months; at most {MaxMonths}) and each currency, never summed across "
                + "currencies. Months after the current one are left out; the current month is so far.");
        return app;
    }

    private static async Task<Results<Ok<AnalyticsResponse>, ProblemHttpResult>> AnalyticsAsync(
        string? from, string? to, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var thisMonth = new DateOnly(now.Year, now.Month, 1);
        var inputs = new Inputs();
        var last = to is null ? thisMonth : Month(to);
        var first = from is null ? last?.AddMonths(-11) : Month(from);
        if (first is null) inputs.Fail("from", "from must be a month written yyyy-MM.");
        if (last is null) inputs.Fail("to", "to must be a month written yyyy-MM.");
        if (first > last) inputs.Fail("to", "to must not be before from.");
        else if (first is { } f && last is { } l && (l.Year - f.Year) * 12 + l.Month - f.Month + 1 > MaxMonths)
            inputs.Fail("to", $"At most {MaxMonths} months can be asked for at once.");
        if (!inputs.IsValid) return inputs.Problem();

        var upTo = last < thisMonth ? last!.Value : thisMonth;
        var months = first > upTo ? [] : await grains.GetGrain<IRevenueReportGrain>(0).Months(Text(first!.Value), Text(upTo));
        return TypedResults.Ok(new AnalyticsResponse([.. months.Select(m => new AnalyticsMonthResponse(m.Month, m.Currency, m.MrrMinor,
            m.NewMrrMinor, m.ExpansionMrrMinor, m.ContractionMrrMinor, m.ChurnedMrrMinor, m.PayingTenants, m.ArpuMinor, m.TrialsStarted,
            m.TrialsConverted, m.RevenueMinor))]));
    }

    private static DateOnly? Month(string value) =>
        value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None,
            out var month) && month.Year >= 1970 ? month : null;

    private static string Text(DateOnly month) => month.ToString(MonthFormat, CultureInfo.InvariantCulture);
}
