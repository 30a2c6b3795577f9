using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Grains.Analytics;

namespace Tollgate.Api.Tests;

/// <summary>
/// Revenue analytics over a scripted history on a moved clock, against figures worked out by hand: tenants put on paid plans
/// by the operator, upgraded, downgraded, cancelled, a trial converting by its reminder, and a second currency.
/// </summary>
public sealed class AnalyticsTests : ApiTestBase
{
    [Fact]
    public async Task Mrr_and_its_movements_paying_tenants_arpu_and_trials_follow_the_history_month_by_month_per_currency()
    {
        var ops = await CatalogFixture.CreateAsync(Api); // "free" (the default) and "pro" (2,000 usd, 14 days' trial) among them
        await CreatePlanAsync(ops, "team", 5_000, "USD");
        await CreatePlanAsync(ops, "max", 9_000, "USD");
        await CreatePlanAsync(ops, "cn", 19_900, "CNY");
        var (a, b, c) = (await Api.RegisterAsync("a@example.com"), await Api.RegisterAsync("b@example.com"),
            await Api.RegisterAsync("c@example.com"));
        var startMonth = Month(Api.Clock.GetUtcNow());
        Assert.Empty(await MonthsAsync(ops, $"from={startMonth}&to={startMonth}")); // free plans are no revenue

        var m1 = await MoveToNextMonthAsync(); // the 1st, 01:00 UTC
        await GrantAsync(ops, a, "team", 0);   // usd: new 5,000
        await GrantAsync(ops, b, "pro", 14);   // usd: a trial starts, no MRR yet
        Api.Clock.Advance(TimeSpan.FromDays(2));
        await GrantAsync(ops, a, "max", 0);    // usd: expansion 4,000
        Api.Clock.Advance(TimeSpan.FromDays(13)); // past b's trial end on the 15th: its reminder converts it, new 2,000
        await EventuallyAsync(async () => (await MonthsAsync(ops, $"from={m1}&to={m1}")) is [{ TrialsConverted: 1 }],
            "the trial's conversion never reached the month's figures");

        var m2 = await MoveToNextMonthAsync();
        await GrantAsync(ops, a, "team", 0);   // usd: contraction 4,000
        await GrantAsync(ops, c, "cn", 0);     // cny: new 19,900, never added to usd
        var canceled = await Api.As(a.AccessToken)
            .PostAsJsonAsync($"/v1/tenants/{a.TenantId}/subscription/cancel", new { atPeriodEnd = false });
        Assert.Equal(HttpStatusCode.OK, canceled.StatusCode); // usd: churn 5,000, one paying tenant fewer

        // Months after the current one are left out; the current month is so far.
        var months = await MonthsAsync(ops, $"from={startMonth}&to={Month(Api.Clock.GetUtcNow().AddMonths(3))}");
        Assert.Equal(
            [
                // month, currency, MRR, new, expansion, contraction, churned, paying, ARPU, trials started, converted, revenue
                new MonthRow(m1, "usd", 11_000, 7_000, 4_000, 0, 0, 2, 5_500, 1, 1, 0),
                new MonthRow(m2, "cny", 19_900, 19_900, 0, 0, 0, 1, 19_900, 0, 0, 0),
                new MonthRow(m2, "usd", 2_000, 0, 0, 4_000, 5_000, 1, 2_000, 0, 0, 0),
            ],
            months);
        // A range starting later carries the earlier months' MRR and paying tenants into its first month.
        Assert.Equal([months[1], months[2]], await MonthsAsync(ops, $"from={m2}&to={m2}"));

        // Churn against each month's start, trials that ended, ARR; a rate with nothing to divide by is null.
        var response = await ops.GetAsync($"/v1/admin/analytics?from={m1}&to={m2}");
        var rates = (await Json(response)).GetProperty("months").Deserialize<List<RateRow>>(JsonSerializerOptions.Web)!;
        Assert.Equal(
            [
                // month, currency, ARR, MRR and paying at the start, tenants churned, logo churn, revenue churn, trials ended, conversion
                new RateRow(m1, "usd", 132_000, 0, 0, 0, null, null, 1, 1m),
                new RateRow(m2, "cny", 238_800, 0, 0, 0, null, null, 0, null),
                // 1 of the 2 paying at the start left; (5,000 churned + 4,000 contraction) / 11,000
                new RateRow(m2, "usd", 24_000, 11_000, 2, 1, 0.5m, 0.8182m, 0, null),
            ],
            rates);
        // The journal holds every movement these figures sum: recomputed from it, they agree to the minor unit.
        await RevenueJournalAgreement.AssertAgreesAsync(Api, ops, startMonth, m2);
    }

    [Fact]
    public async Task A_month_adds_each_movement_once_however_often_and_however_concurrently_it_is_delivered_and_after_a_restart()
    {
        static RevenueMovement Paid(int n) => new($"pay-{n}", "2026-03", "usd", RevenueMinor: n, Provider: "stripe", Plan: "pro");
        var key = IRevenueMonthGrain.KeyOf("2026-03", "usd");
        var month = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<IRevenueMonthGrain>(key);
        // 40 deliveries at once, each of two movements, every movement delivered twice: what waits is added in batches.
        await Task.WhenAll(Enumerable.Range(1, 40).Select(n => month.Apply([Paid(n), Paid(n % 20 + 1)])));
        var once = Enumerable.Range(1, 40).Sum();
        Assert.Equal(once, (await month.Get()).RevenueMinor);
        Assert.Equal(once, (await month.Get()).RevenueByProvider!["stripe"]);

        await Api.DisposeAsync();
        var restarted = await StartAsync();
        month = restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<IRevenueMonthGrain>(key);
        await month.Apply([Paid(7), Paid(41)]); // one added before the restart, one new
        Assert.Equal(once + 41, (await month.Get()).RevenueMinor);
    }

    private sealed record RateRow(
        string Month, string Currency, long ArrMinor, long StartMrrMinor, int StartPayingTenants, int TenantsChurned, decimal? LogoChurn,
        decimal? RevenueChurn, int TrialsEnded, decimal? TrialConversion);

    private sealed record MonthRow(
        string Month, string Currency, long MrrMinor, long NewMrrMinor, long ExpansionMrrMinor, long ContractionMrrMinor,
        long ChurnedMrrMinor, int PayingTenants, long ArpuMinor, int TrialsStarted, int TrialsConverted, long RevenueMinor);

    private static async Task<List<MonthRow>> MonthsAsync(HttpClient ops, string query)
    {
        var response = await ops.GetAsync($"/v1/admin/analytics?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json(response)).GetProperty("months").Deserialize<List<MonthRow>>(JsonSerializerOptions.Web)!;
    }

    /// <summary>Moves the clock to 01:00 UTC on the first of the next month; returns that month.</summary>
    private async Task<string> MoveToNextMonthAsync()
    {
        var now = Api.Clock.GetUtcNow();
        var next = new DateTimeOffset(now.Year, now.Month, 1, 1, 0, 0, TimeSpan.Zero).AddMonths(1);
        Api.Clock.Advance(next - now);
        return await Task.FromResult(Month(next));
    }

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static async Task GrantAsync(HttpClient ops, Account tenant, string planId, int trialDays)
    {
        var granted = await ops.PostAsJsonAsync($"/v1/admin/tenants/{tenant.TenantId}/subscription", new { planId, trialDays });
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
    }

    private static async Task CreatePlanAsync(HttpClient ops, string id, long priceMinor, string currency)
    {
        var created = await ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id, name = id, priceMinor, currency, interval = "month",
            quotas = new Dictionary<string, long> { [CatalogFixture.Messages] = 10 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
