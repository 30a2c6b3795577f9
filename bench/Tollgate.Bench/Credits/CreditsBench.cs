using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Bench.Consume;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Credits;

/// <summary>
/// Credit spends (<c>POST /v1/credits/consume</c>) beside quota consumes of the same silo in the same
/// run, on SQLite and PostgreSQL: one hot wallet, one hot wallet holding 1,000 live grants, and 10,000
/// wallets, against one hot counter and 10,000 counters. Each spend takes one credit.
/// </summary>
public static class CreditsBench
{
    private const int Tenants = 10_000, ManyGrants = 1_000;
    private const long HotCredits = 1_000_000_000_000;
    private const string HotCounter = "1 hot counter", Counters = "10,000 counters", HotWallet = "1 hot wallet",
        GrantsWallet = "1 hot wallet, 1,000 grants", Wallets = "10,000 wallets";
    private const string Quota = "quota", Credits = "credits";

    private sealed record Tenant(string Id, string ApiKey);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        Progress.Report($"each row is warmed for {options.ConsumeWarmUp.TotalSeconds:0} s before it is measured (--warmup)");
        var rows = new List<ConsumeBench.Row>();
        await using var floorServer = await ServerProcess.StartAsync(
            url => [typeof(CreditsBench).Assembly.Location, "serve-baseline", "none", "", url],
            new Dictionary<string, string>(), "baseline ready");
        var floor = new HttpLoad(floorServer.BaseAddress, options.Concurrency);
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
            rows.AddRange(await RunStorageAsync(options, floor, storage.ToString().ToLowerInvariant(), kind, server)));
        Print(rows, options.ConsumeWarmUp);
        return 0;
    }

    private static async Task<List<ConsumeBench.Row>> RunStorageAsync(
        BenchOptions options, HttpLoad floor, string storage, StorageProviderKind kind, PostgresServer? server)
    {
        await using var database = await StorageTarget.CreateAsync(kind, server);
        var build = SiloBuild.Current();
        var rows = new List<ConsumeBench.Row>();
        bool Runs(string system, string scenario) => options.Includes(storage, system, scenario);
        await using var process = await build.StartAsync(database, new Dictionary<string, string>
        {
            ["Admin__Email"] = ConsumeBench.OperatorEmail,
            ["Admin__Password"] = ConsumeBench.OperatorPassword,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        var (hot, many, spread) = await SetUpAsync(process.BaseAddress,
            spreadTenants: Runs(Quota, Counters) || Runs(Credits, Wallets) ? Tenants : 0);
        var load = new HttpLoad(process.BaseAddress, options.Concurrency);
        var consume = ConsumeBench.Json(new { quotaType = "bench/q0", amount = 1 });
        var spend = ConsumeBench.Json(new { tool = "bench/t0", units = 1 });
        var hotConsume = load.Post("/v1/quota/consume", consume, hot.ApiKey);
        var hotSpend = load.Post("/v1/credits/consume", spend, hot.ApiKey);
        var manySpend = load.Post("/v1/credits/consume", spend, many.ApiKey);
        var spreadConsumes = spread.Select(tenant => load.Post("/v1/quota/consume", consume, tenant.ApiKey)).ToArray();
        var spreadSpends = spread.Select(tenant => load.Post("/v1/credits/consume", spend, tenant.ApiKey)).ToArray();
        ConsumeBench.Row Measure(string system, string scenario, Func<Random, byte[]> request) =>
            ConsumeBench.Measure(options, floor, load, [process], storage, system, scenario, request);

        if (Runs(Quota, HotCounter)) rows.Add(Measure(Quota, HotCounter, _ => hotConsume));
        if (Runs(Credits, HotWallet)) rows.Add(Measure(Credits, HotWallet, _ => hotSpend));
        if (Runs(Credits, GrantsWallet)) rows.Add(Measure(Credits, GrantsWallet, _ => manySpend));
        if (Runs(Quota, Counters))
        {
            Progress.Report($"activating {Tenants:N0} counters...");
            load.RunAll(spreadConsumes);
            rows.Add(Measure(Quota, Counters, random => spreadConsumes[random.Next(spreadConsumes.Length)]));
        }
        if (Runs(Credits, Wallets))
        {
            Progress.Report($"activating {Tenants:N0} wallets...");
            load.RunAll(spreadSpends);
            rows.Add(Measure(Credits, Wallets, random => spreadSpends[random.Next(spreadSpends.Length)]));
        }
        return await VerifyAsync(process.BaseAddress, hot, many, rows);
    }

    /// <summary>The hot wallets must have lost exactly one credit per spend acknowledged.</summary>
    private static async Task<List<ConsumeBench.Row>> VerifyAsync(Uri baseAddress, Tenant hot, Tenant many, List<ConsumeBench.Row> rows)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await ConsumeBench.LoginAsync(client, ConsumeBench.OperatorEmail, ConsumeBench.OperatorPassword));
        async Task<long> SpentAsync(Tenant tenant, long granted) =>
            granted - (await client.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenant.Id}/credits")).GetProperty("balance").GetInt64();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            long? spent = row.Scenario switch
            {
                HotWallet => await SpentAsync(hot, HotCredits),
                GrantsWallet => await SpentAsync(many, ManyGrants * HotCredits),
                _ => null,
            };
            if (spent is not { } stored) continue;
            var acknowledged = row.Peak.Acknowledged + (row.Half?.Acknowledged ?? 0);
            rows[i] = row with
            {
                Verified = stored == acknowledged ? $"verified {stored:N0}"
                    : throw new BenchFailedException($"{row.Scenario} on {row.Storage}: spent {stored:N0}, acknowledged {acknowledged:N0}"),
            };
        }
        return rows;
    }

    /// <summary>
    /// The catalog (app "bench", quota type "bench/q0", tool "bench/t0" at one credit a unit, a default
    /// plan with a limit no run reaches), the operator's hot tenant with one grant, a tenant with 1,000
    /// grants of distinct priorities and expiries, and <paramref name="spreadTenants"/> more, each with a grant.
    /// </summary>
    private static async Task<(Tenant Hot, Tenant Many, Tenant[] Spread)> SetUpAsync(Uri baseAddress, int spreadTenants)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await ConsumeBench.LoginAsync(client, ConsumeBench.OperatorEmail, ConsumeBench.OperatorPassword));
        await ConsumeBench.Created(client.PostAsJsonAsync("/v1/admin/apps", new { id = "bench", name = "Bench" }));
        await ConsumeBench.Created(client.PostAsJsonAsync("/v1/admin/apps/bench/quota-types",
            new { key = "q0", name = "Q0", unit = "call", window = "lifetime" }));
        await ConsumeBench.Created(client.PostAsJsonAsync("/v1/admin/apps/bench/tools",
            new { key = "t0", name = "T0", creditsPerUnit = 1 }));
        await ConsumeBench.Created(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "bench", name = "Bench", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = new Dictionary<string, long> { ["bench/q0"] = 1_000_000_000_000_000 },
        }));
        Progress.Report($"setting up {spreadTenants + 2:N0} tenants with an API key and credits each...");
        var tenants = new Tenant[spreadTenants + 2];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, tenants.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (t, _) =>
        {
            var created = await ConsumeBench.Created(client.PostAsJsonAsync("/v1/tenants", new { name = $"bench {t}" }));
            var tenantId = created.GetProperty("id").GetString()!;
            var key = await ConsumeBench.Created(client.PostAsJsonAsync($"/v1/tenants/{tenantId}/api-keys",
                new { name = "bench", scopes = new[] { "quota:consume", "credits:consume", "credits:read" } }));
            var grants = t == 1 ? ManyGrants : 1;
            for (var g = 0; g < grants; g++)
                await GrantAsync(client, tenantId, $"bench-{g}", HotCredits, priority: g % 10,
                    expiresAt: grants == 1 ? null : DateTimeOffset.UtcNow.AddDays(30 + g));
            tenants[t] = new Tenant(tenantId, key.GetProperty("key").GetString()!);
            if (Interlocked.Increment(ref done) % 1_000 == 0) Progress.Report($"  {done:N0} tenants set up");
        });
        return (tenants[0], tenants[1], tenants[2..]);
    }

    private static async Task GrantAsync(
        HttpClient client, string tenantId, string key, long amount, int priority, DateTimeOffset? expiresAt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/tenants/{tenantId}/credits/grants")
        {
            Content = JsonContent.Create(new { amount, priority, expiresAt, source = "promotion", reason = "bench" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        await ConsumeBench.Created(client.SendAsync(request));
    }

    private static void Print(List<ConsumeBench.Row> rows, TimeSpan warmUp)
    {
        var table = new TextTable(("storage", false), ("system", false), ("scenario", false), ("peak/s", true), ("cpu us/call", true),
            ("cpu vs quota", true), ("peak vs 1 grant", true), ("alloc KB/call", true), ("calls/commit", true), ("p50 ms", true),
            ("p99 ms", true), ("half-load p99", true), ("floor p99", true), ("durability", false));
        static string Ms(LatencyHistogram? latencies, double quantile) => latencies?.QuantileMilliseconds(quantile).ToString("0.00") ?? "-";
        foreach (var row in rows)
        {
            // A wallet row against the quota row of the same shape, on the same storage.
            var quota = rows.FirstOrDefault(r => r.Storage == row.Storage && r.System == Quota
                && r.Scenario == (row.Scenario == Wallets ? Counters : HotCounter));
            var single = rows.FirstOrDefault(r => r.Storage == row.Storage && r.Scenario == HotWallet);
            table.Add(row.Storage, row.System, row.Scenario, row.Peak.CallsPerSecond.ToString("N0"), row.CpuPerCall.ToString("N0"),
                row.System == Credits && quota is not null ? $"{row.CpuPerCall / quota.CpuPerCall:0.00}x" : "-",
                row.Scenario == GrantsWallet && single is not null ? $"{row.Peak.CallsPerSecond / single.Peak.CallsPerSecond:0.00}x" : "-",
                row.AllocatedPerCall is { } bytes ? (bytes / 1024).ToString("N1") : "-", row.CallsPerCommit?.ToString("N1") ?? "-",
                Ms(row.Peak.Latencies, 0.5), Ms(row.Peak.Latencies, 0.99), Ms(row.Half?.Latencies, 0.99), Ms(row.Floor?.Latencies, 0.99),
                row.Verified);
        }
        Console.WriteLine();
        Console.WriteLine($"Each row was warmed for {warmUp.TotalSeconds:0} s under the same load before it was measured.");
        Console.Write(table);
    }
}
