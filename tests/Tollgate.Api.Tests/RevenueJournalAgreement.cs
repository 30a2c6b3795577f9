using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Reports;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>
/// Checks that revenue analytics as served (the month grains' sums) agree to the minor unit with a full recompute from the
/// movements the journal holds: each change's movements are journaled with it, so the two can only differ if one was lost or
/// counted twice.
/// </summary>
public static class RevenueJournalAgreement
{
    public static async Task AssertAgreesAsync(ApiFactory api, HttpClient ops, string from, string to)
    {
        var served = await ops.GetAsync($"/v1/admin/analytics?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var months = (await served.Content.ReadFromJsonAsync<AnalyticsResponse>(JsonSerializerOptions.Web))!.Months;
        var range = new AnalyticsRange(DateOnly.ParseExact(from + "-01", "yyyy-MM-dd"), DateOnly.ParseExact(to + "-01", "yyyy-MM-dd"));
        var recomputed = await RevenueAnalytics.RecomputeAsync(api.Services.GetRequiredService<IJournalReader>(), range,
            RevenueAnalytics.ThisMonth(api.Clock));
        Assert.Equal(Canonical(recomputed.Select(AnalyticsMonthResponse.Of)), Canonical(months));
    }

    /// <summary>The months as JSON with their breakdowns' keys in order (the two sums add them in different orders).</summary>
    private static string Canonical(IEnumerable<AnalyticsMonthResponse> months) => JsonSerializer.Serialize(months.Select(m => m with
    {
        RevenueByProvider = new SortedDictionary<string, long>(m.RevenueByProvider.ToDictionary(), StringComparer.Ordinal),
        RevenueByPlan = new SortedDictionary<string, long>(m.RevenueByPlan.ToDictionary(), StringComparer.Ordinal),
    }), JsonSerializerOptions.Web);
}
