using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.Reports;

namespace Tollgate.Api.Pages.Ops;

/// <summary>The analytics page's numbers as CSV files, for the same months (<c>from</c>, <c>to</c>) and the same month of top
/// tenants by usage (<c>month</c>), under the page's cookie and policy.</summary>
public static class AnalyticsCsv
{
    public static IEndpointRouteBuilder MapAnalyticsCsv(this IEndpointRouteBuilder app)
    {
        app.MapGet(OpsPaths.AnalyticsCsv, CsvAsync)
            .RequireAuthorization(AuthorizationPolicies.PlatformOperatorPage).ExcludeFromDescription();
        app.MapGet(OpsPaths.TopUsageCsv, TopUsageCsvAsync)
            .RequireAuthorization(AuthorizationPolicies.PlatformOperatorPage).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CsvAsync(
        string? from, string? to, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var thisMonth = RevenueAnalytics.ThisMonth(time);
        var inputs = new Inputs();
        if (RevenueAnalytics.Range(from, to, thisMonth, inputs) is not { } range) return inputs.Problem();
        var months = await RevenueAnalytics.MonthsAsync(grains, range, thisMonth);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(RevenueAnalytics.Csv(months)), "text/csv; charset=utf-8",
            $"analytics-{range.From}-{range.To}.csv");
    }

    private static async Task<IResult> TopUsageCsvAsync(
        string? month, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var inputs = new Inputs();
        if (TopUsageReport.Month(month, RevenueAnalytics.ThisMonth(time), inputs) is not { } asked) return inputs.Problem();
        var text = RevenueAnalytics.Text(asked);
        var csv = TopUsageReport.Csv(text, await TopUsageReport.ReadAsync(grains, asked));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"top-usage-{text}.csv");
    }
}
