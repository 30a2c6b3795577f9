using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.Reports;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Analytics;

/// <summary>
/// Revenue analytics over a year of a business with 10,000 tenants (<see cref="AnalyticsHistory"/>), laid down through the
/// grains on a moved clock: how long the operator waits for 12 months of analytics as JSON (<c>GET /v1/admin/analytics</c>) and
/// as the console's page (<c>/ops/analytics</c>), over HTTP, beside a full recompute from the journal's movements; the
/// recompute and the served figures must agree to the minor unit.
/// </summary>
public static partial class AnalyticsBench
{
    private const int Tenants = 10_000, Months = 12, WarmUps = 20, Reads = 300;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var table = new TextTable(("storage", false), ("read", false), ("p50 ms", true), ("p99 ms", true), ("max ms", true),
            ("vs recompute", true));
        var facts = new List<string>();
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
        {
            var name = storage.ToString().ToLowerInvariant();
            await using var target = await StorageTarget.CreateAsync(kind, server);
            await using var silo = new BenchSilo(target);
            var thisMonth = RevenueAnalytics.ThisMonth(TimeProvider.System);
            var first = thisMonth.AddMonths(1 - Months);
            silo.Start();
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            // Access tokens are checked against real time: the operator signs in while the clock is now.
            await CreatePlansAsync(http, await OperatorTokenAsync(http));

            var history = AnalyticsHistory.Generate(Tenants, first, Months, until: DateTimeOffset.UtcNow);
            var laying = Stopwatch.StartNew();
            await LayDownAsync(silo, history, options.Concurrency, name);
            var token = await OperatorTokenAsync(http);
            Progress.Report($"{name}: {history.Count:N0} steps of {Tenants:N0} tenants laid down in {laying.Elapsed.TotalSeconds:N0} s");

            var range = new AnalyticsRange(first, thisMonth);
            var query = $"from={range.From}&to={range.To}";
            var journal = silo.Services.GetRequiredService<IJournalReader>();
            var (recomputed, recomputeMs) = await MedianAsync(3, () => RevenueAnalytics.RecomputeAsync(journal, range, thisMonth));
            var servedJson = await http.SendAsync(Get($"/v1/admin/analytics?{query}", token));
            var served = (await servedJson.Content.ReadFromJsonAsync<AnalyticsResponse>(JsonSerializerOptions.Web))!.Months;
            if (Canonical(recomputed.Select(AnalyticsMonthResponse.Of)) != Canonical(served))
                throw new BenchFailedException($"{name}: the served analytics differ from the recompute from the journal.");

            var json = await LatencyAsync(() => http.SendAsync(Get($"/v1/admin/analytics?{query}", token)));
            using var browser = await SignedInAsync(silo.BaseAddress);
            var page = await LatencyAsync(() => browser.GetAsync($"/ops/analytics?{query}"));
            // A business's figures move between two views: a payment before each read makes every chart new (each shows this month).
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var paid = 0;
            var moved = await LatencyAsync(() => browser.GetAsync($"/ops/analytics?{query}"), before: () => grains
                .GetGrain<IProviderRevenueGrain>(IProviderRevenueGrain.KeyOf("stripe", $"pi_bench_view_{++paid}"))
                .CountPayment("usd", 1_000, DateTimeOffset.UtcNow, RevenueMovement.CreditPacks));
            foreach (var (read, latency) in new[]
            {
                ("GET /v1/admin/analytics, 12 months", json), ("/ops/analytics page, 12 months", page),
                ("/ops/analytics page, a payment before each", moved),
            })
                table.Add(name, read, $"{latency.P50:0.00}", $"{latency.P99:0.00}", $"{latency.Max:0.00}",
                    $"{recomputeMs / latency.P50:N0}x");
            table.Add(name, "full recompute from the journal", $"{recomputeMs:0.00}", "-", "-", "1x");
            var movements = 0;
            await foreach (var _ in journal.ReadAllAsync(new JournalQuery(RevenueJournal.Stream) { OldestFirst = true })) movements++;
            facts.Add($"{name}: {Tenants:N0} tenants, {history.Count:N0} steps over {Months} months ({range.From} to {range.To}), "
                + $"{movements:N0} revenue movements in the journal; the served figures and the recompute agree to the minor unit over "
                + $"{served.Count} month rows ({string.Join(", ", Summary(served))}).");
        });
        Console.WriteLine();
        Console.Write(table);
        foreach (var fact in facts) Console.WriteLine(fact);
        Console.WriteLine($"p50/p99/max of {Reads} sequential reads after {WarmUps} warm-up reads; the recompute is the median of 3 runs.");
        return 0;
    }

    /// <summary>Each day's steps at once (a tenant has one step a day), the clock at that moment of the day.</summary>
    private static async Task LayDownAsync(BenchSilo silo, IReadOnlyList<TenantEvent> history, int concurrency, string name)
    {
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var days = history.GroupBy(e => DateOnly.FromDateTime(e.At.UtcDateTime)).ToList();
        var done = 0;
        var lastReport = Stopwatch.StartNew();
        foreach (var day in days)
        {
            silo.SetClock(day.Max(e => e.At));
            await Parallel.ForEachAsync(day, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (step, _) => await ApplyAsync(grains, step));
            done += day.Count();
            if (lastReport.Elapsed > TimeSpan.FromSeconds(10))
            {
                Progress.Report($"{name}: {done:N0} of {history.Count:N0} steps laid down (up to {day.Key:yyyy-MM-dd})");
                lastReport.Restart();
            }
        }
        // Every subscription catches up to now: renewals and trial ends since its last step count where they fall.
        silo.SetClock(DateTimeOffset.UtcNow);
        var tenants = history.Select(e => e.TenantId).Distinct();
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (tenant, _) =>
            await grains.GetGrain<ISubscriptionGrain>(tenant).Get());
    }

    private static async Task ApplyAsync(IGrainFactory grains, TenantEvent step)
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(step.TenantId);
        switch (step.Step)
        {
            case TenantStep.Subscribe:
                var granted = await subscription.Grant(step.PlanId!, step.TrialDays, AuditActor.System);
                if (granted.Error != SubscriptionError.None)
                    throw new BenchFailedException($"{step.TenantId}: {granted.Error} {granted.Detail}");
                break;
            case TenantStep.Cancel:
                await subscription.Cancel(atPeriodEnd: false, AuditActor.System);
                break;
            case TenantStep.CatchUp:
                await subscription.Get();
                break;
            case TenantStep.BuyCredits or TenantStep.Refund:
                var refund = step.Step == TenantStep.Refund;
                var id = refund ? step.PaymentId!.Replace("pi_", "re_", StringComparison.Ordinal) : step.PaymentId!;
                await grains.GetGrain<IProviderRevenueGrain>(IProviderRevenueGrain.KeyOf("stripe", id))
                    .CountPayment(step.Currency!, refund ? -step.AmountMinor : step.AmountMinor, step.At, RevenueMovement.CreditPacks);
                break;
        }
    }

    private static async Task CreatePlansAsync(HttpClient http, string token)
    {
        foreach (var plan in AnalyticsHistory.Plans)
        {
            var request = Get("/v1/admin/plans", token);
            request.Method = HttpMethod.Post;
            request.Content = JsonContent.Create(new
            {
                id = plan.Id, name = plan.Id, priceMinor = plan.PriceMinor, currency = plan.Currency, interval = plan.Interval,
                trialDays = plan.TrialDays, quotas = new Dictionary<string, long>(),
            });
            var created = await http.SendAsync(request);
            if (created.StatusCode != HttpStatusCode.Created)
                throw new BenchFailedException($"Plan {plan.Id}: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<string> OperatorTokenAsync(HttpClient http)
    {
        var login = await http.PostAsJsonAsync("/v1/auth/login",
            new { email = BenchSilo.OperatorEmail, password = BenchSilo.OperatorPassword });
        if (!login.IsSuccessStatusCode) throw new BenchFailedException($"The operator could not log in: {login.StatusCode}");
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client holding the operator's page cookie, signed in through <c>/signin</c> as a browser would.</summary>
    private static async Task<HttpClient> SignedInAsync(Uri baseAddress)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
        };
        var form = await browser.GetStringAsync("/signin");
        var signedIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenField().Match(form).Groups[1].Value),
            ["_handler"] = "signin",
            ["email"] = BenchSilo.OperatorEmail,
            ["password"] = BenchSilo.OperatorPassword,
        }));
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new BenchFailedException($"Sign-in answered {signedIn.StatusCode}.");
        return browser;
    }

    private static HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private sealed record Latency(double P50, double P99, double Max);

    /// <summary>Times each read, after <paramref name="before"/> (not timed) when given.</summary>
    private static async Task<Latency> LatencyAsync(Func<Task<HttpResponseMessage>> read, Func<Task>? before = null)
    {
        var times = new List<double>();
        for (var i = 0; i < WarmUps + Reads; i++)
        {
            if (before is not null) await before();
            var started = Stopwatch.GetTimestamp();
            using var response = await read();
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
                throw new BenchFailedException($"{response.RequestMessage?.RequestUri}: {response.StatusCode}");
            if (i >= WarmUps) times.Add(elapsed);
        }
        times.Sort();
        return new Latency(times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.99) - 1], times[^1]);
    }

    private static async Task<(T Result, double Milliseconds)> MedianAsync<T>(int runs, Func<Task<T>> run)
    {
        T result = default!;
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            result = await run();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (result, times.Order().ElementAt(runs / 2));
    }

    /// <summary>The months as JSON with their breakdowns' keys in order (the two sums add them in different orders).</summary>
    private static string Canonical(IEnumerable<AnalyticsMonthResponse> months) => JsonSerializer.Serialize(months.Select(m => m with
    {
        RevenueByProvider = new SortedDictionary<string, long>(m.RevenueByProvider.ToDictionary(), StringComparer.Ordinal),
        RevenueByPlan = new SortedDictionary<string, long>(m.RevenueByPlan.ToDictionary(), StringComparer.Ordinal),
    }), JsonSerializerOptions.Web);

    /// <summary>The last month's MRR and paying tenants per currency, for the reader to see the history is not empty.</summary>
    private static IEnumerable<string> Summary(IReadOnlyList<AnalyticsMonthResponse> months) =>
        months.GroupBy(m => m.Currency).Select(c => c.Last()).Select(m =>
            $"{m.Month} {m.Currency}: MRR {m.MrrMinor:N0}, {m.PayingTenants:N0} paying, revenue {m.RevenueMinor:N0}");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
