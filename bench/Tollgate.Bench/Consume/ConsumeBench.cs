using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Consume;

/// <summary>
/// Consume throughput and latency through HTTP, on SQLite and PostgreSQL, for one hot counter and
/// for 10,000 counters, and Tollgate's hot counter with a new idempotency key on every consume: the
/// baseline, the last build on Tollgate's own runtime (pre-orleans) and this build (orleans), side by side. For each: the peak (closed loop) and the latency at half that
/// rate, or at the one rate <c>--rate</c> gives (open loop).
/// </summary>
public static class ConsumeBench
{
    private const string OperatorEmail = "bench-ops@tollgate.test";
    private const string OperatorPassword = "bench-operator-password";
    // The hot counters are reserved: c0 and tenant 0's first quota, and tenant 0's second for keyed
    // consumes. The spread scenario uses the 10,000 others (c1..c10000; tenants 1..100 x 100
    // quotas), so the hot counts can be verified.
    private const int SpreadTenants = 100, QuotaTypesPerTenant = 100, Counters = SpreadTenants * QuotaTypesPerTenant;
    // The 10,000 counters are activated beforehand (ActivateAsync); the warm-up lets the JIT and pools settle.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(6);

    // CpuPerCall: microseconds of the servers' own CPU time per consume answered at peak (the load generator's not counted).
    // CallsPerCommit: consumes answered per storage transaction at peak, from the silo's /metrics (how well group commit shares them).
    private sealed record Row(string Storage, string System, string Scenario, LoadResult Peak, double CpuPerCall, double? CallsPerCommit,
        LoadResult Half, LoadResult Floor, string Verified);

    private static readonly byte[] FloorBody = Json(new { counter = "c0", amount = 1 });

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var rows = new List<Row>();
        // The floor: an endpoint that parses the body and answers at once. Each half-load run is
        // repeated against it at the same rate, so the table shows what this machine, its HTTP
        // stack and the load generator cost before any counting or storage.
        await using var floorServer = await ServerProcess.StartAsync(
            url => [typeof(ConsumeBench).Assembly.Location, "serve-baseline", "none", "", url], new Dictionary<string, string>(), "baseline ready");
        var floor = new HttpLoad(floorServer.BaseAddress, options.Concurrency);
        var builds = new[] { await SiloBuild.PreOrleansAsync(), SiloBuild.Current() };
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
        {
            rows.AddRange(await RunBaselineAsync(options, floor, storage, kind, server));
            foreach (var build in builds) rows.AddRange(await RunTollgateAsync(options, floor, storage, kind, server, build));
            if (kind == StorageProviderKind.PostgreSql) rows.Add(await RunClusterAsync(options, floor, server, builds[^1]));
        });
        Print(rows, options.Rate is { } rate ? $"at {rate:N0}/s" : "half-load");
        return 0;
    }

    private static async Task<List<Row>> RunBaselineAsync(BenchOptions options, HttpLoad floor, BenchStorage storage, StorageProviderKind kind, PostgresServer? server)
    {
        await using var database = await StorageTarget.CreateAsync(kind, server);
        var storageName = storage == BenchStorage.Sqlite ? "sqlite" : "postgres";
        if (kind == StorageProviderKind.Sqlite) Directory.CreateDirectory(Path.GetDirectoryName(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource)!);
        await BaselineServer.SeedAsync(storageName, database.ConnectionString, Counters + 1);
        var rows = new List<Row>();
        await using (var process = await ServerProcess.StartAsync(
            url => [typeof(ConsumeBench).Assembly.Location, "serve-baseline", storageName, database.ConnectionString, url], new Dictionary<string, string>(), "baseline ready"))
        {
            var load = new HttpLoad(process.BaseAddress, options.Concurrency);
            var hot = load.Post("/consume", Json(new { counter = "c0", amount = 1 }));
            var spread = Enumerable.Range(1, Counters).Select(i => load.Post("/consume", Json(new { counter = $"c{i}", amount = 1 }))).ToArray();
            rows.Add(Measure(options, floor, load, [process], storageName, "baseline", "1 hot counter", _ => hot));
            rows.Add(Measure(options, floor, load, [process], storageName, "baseline", "10,000 counters", random => spread[random.Next(Counters)]));
        }
        var stored = await ScalarAsync(kind, database.ConnectionString, "SELECT used FROM counters WHERE id = 'c0'");
        rows[0] = rows[0] with { Verified = Verify(stored, rows[0]) };
        return rows;
    }

    private static async Task<List<Row>> RunTollgateAsync(BenchOptions options, HttpLoad floor, BenchStorage storage, StorageProviderKind kind,
        PostgresServer? server, SiloBuild build)
    {
        await using var database = await StorageTarget.CreateAsync(kind, server);
        var storageName = storage.ToString().ToLowerInvariant();
        var rows = new List<Row>();
        Tenant[] tenants;
        await using (var process = await build.StartAsync(database, new Dictionary<string, string>
        {
            ["Admin__Email"] = OperatorEmail,
            ["Admin__Password"] = OperatorPassword,
            ["Logging__LogLevel__Default"] = "Warning",
        }))
        {
            Progress.Report($"setting up {SpreadTenants + 1} tenants with {QuotaTypesPerTenant} quotas each on the {storageName} silo...");
            tenants = await SetUpAsync(process.BaseAddress);
            var load = new HttpLoad(process.BaseAddress, options.Concurrency);
            var bodies = Enumerable.Range(0, QuotaTypesPerTenant).Select(q => Json(new { quotaType = $"bench/q{q}", amount = 1 })).ToArray();
            var hot = load.Post("/v1/quota/consume", bodies[0], tenants[0].ApiKey);
            var spread = tenants.Skip(1).SelectMany(tenant => bodies.Select(body => load.Post("/v1/quota/consume", body, tenant.ApiKey))).ToArray();
            rows.Add(Measure(options, floor, load, [process], storageName, build.Name, "1 hot counter", _ => hot));
            await ActivateAsync([process.BaseAddress], tenants);
            rows.Add(Measure(options, floor, load, [process], storageName, build.Name, "10,000 counters", random => spread[random.Next(Counters)]));
            // Every answer is kept for a day: by the end of the run the counter holds about 100,000.
            var sent = 0L;
            rows.Add(Measure(options, floor, load, [process], storageName, build.Name, "1 hot counter, keyed",
                _ => load.Post("/v1/quota/consume", bodies[1], tenants[0].ApiKey, $"key-{Interlocked.Increment(ref sent)}")));
        }
        // After a graceful stop, a new silo reads what storage holds.
        await using (var process = await build.StartAsync(database, new Dictionary<string, string>()))
        {
            using var client = new HttpClient { BaseAddress = process.BaseAddress };
            var token = await LoginAsync(client, tenants[0].Email, "bench-password");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var quotas = await client.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenants[0].Id}/quotas");
            long Used(string quotaType) => quotas.EnumerateArray().Single(q => q.GetProperty("quotaType").GetString() == quotaType).GetProperty("used").GetInt64();
            rows[0] = rows[0] with { Verified = Verify(Used("bench/q0"), rows[0]) };
            rows[2] = rows[2] with { Verified = Verify(Used("bench/q1"), rows[2]) };
        }
        return rows;
    }

    /// <summary>
    /// Three silos of one cluster on one PostgreSQL database, the load spread over their three HTTP
    /// ports: 10,000 counters, each active on one silo, so most requests hop to another silo.
    /// </summary>
    private static async Task<Row> RunClusterAsync(BenchOptions options, HttpLoad floor, PostgresServer? server, SiloBuild build)
    {
        await using var database = await StorageTarget.CreateAsync(StorageProviderKind.PostgreSql, server);
        var settings = new Dictionary<string, string>
        {
            ["Admin__Email"] = OperatorEmail,
            ["Admin__Password"] = OperatorPassword,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var first = await build.StartAsync(database, settings);
        await using var second = await build.StartAsync(database, settings);
        await using var third = await build.StartAsync(database, settings);
        Progress.Report($"setting up {SpreadTenants + 1} tenants with {QuotaTypesPerTenant} quotas each on a cluster of three silos...");
        var tenants = await SetUpAsync(first.BaseAddress);
        var load = new HttpLoad([first.BaseAddress, second.BaseAddress, third.BaseAddress], options.Concurrency);
        var bodies = Enumerable.Range(0, QuotaTypesPerTenant).Select(q => Json(new { quotaType = $"bench/q{q}", amount = 1 })).ToArray();
        var spread = tenants.Skip(1).SelectMany(tenant => bodies.Select(body => load.Post("/v1/quota/consume", body, tenant.ApiKey))).ToArray();
        await ActivateAsync([first.BaseAddress, second.BaseAddress, third.BaseAddress], tenants);
        return Measure(options, floor, load, [first, second, third], "postgres", $"{build.Name}, 3 silos", "10,000 counters", random => spread[random.Next(Counters)]);
    }

    /// <summary>
    /// One consume on each of the 10,000 counters before they are measured, so the run measures
    /// counters at work, not their first activation (each loads its state and registers with its
    /// tenant's subscription once), whatever the build.
    /// </summary>
    private static async Task ActivateAsync(Uri[] silos, Tenant[] tenants)
    {
        Progress.Report($"activating {Counters:N0} counters...");
        var counters = tenants.Skip(1).SelectMany(tenant => Enumerable.Range(0, QuotaTypesPerTenant).Select(q => (tenant.ApiKey, q))).ToList();
        using var clients = new HttpClientSet(silos);
        await Parallel.ForEachAsync(counters.Select((counter, i) => (counter, i)), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume")
            {
                Content = JsonContent.Create(new { quotaType = $"bench/q{item.counter.q}", amount = 1 }),
            };
            request.Headers.Add("X-Api-Key", item.counter.ApiKey);
            using var response = await clients.For(item.i).SendAsync(request);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
                throw new BenchFailedException($"activating counters: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });
    }

    /// <summary>One HTTP client per silo, taken in turn.</summary>
    private sealed class HttpClientSet(Uri[] silos) : IDisposable
    {
        private readonly HttpClient[] _clients = silos.Select(silo => new HttpClient { BaseAddress = silo }).ToArray();

        public HttpClient For(int i) => _clients[i % _clients.Length];

        public void Dispose()
        {
            foreach (var client in _clients) client.Dispose();
        }
    }

    private static Row Measure(BenchOptions options, HttpLoad floor, HttpLoad load, IReadOnlyList<ServerProcess> servers, string storage,
        string system, string scenario, Func<Random, byte[]> request)
    {
        Progress.Report($"running: {system} on {storage}, {scenario}: peak...");
        TimeSpan ProcessorTime() => servers.Aggregate(TimeSpan.Zero, (sum, server) => sum + server.ProcessorTime);
        var atMeasureStart = Task.Delay(WarmUp).ContinueWith(_ => (ProcessorTime(), StorageCommits(servers)), TaskScheduler.Default);
        var peak = load.RunClosedLoop(request, WarmUp, options.Duration);
        var (cpuAtStart, commitsAtStart) = atMeasureStart.GetAwaiter().GetResult();
        var cpuPerCall = (ProcessorTime() - cpuAtStart).TotalMicroseconds / Math.Max(1, peak.Latencies.Count);
        var callsPerCommit = StorageCommits(servers) - commitsAtStart is > 0 and var commits ? peak.Latencies.Count / commits : (double?)null;
        ThrowOnFailures(peak, system, scenario);
        var rate = options.Rate ?? peak.CallsPerSecond / 2;
        Progress.Report($"  {peak.CallsPerSecond:N0}/s at peak, p99 {peak.Latencies.QuantileMilliseconds(0.99):0.00} ms; now at {rate:N0}/s...");
        var half = load.RunAtRate(request, rate, TimeSpan.FromSeconds(1), options.Duration);
        ThrowOnFailures(half, system, scenario);
        Progress.Report($"  at {rate:N0}/s p50 {half.Latencies.QuantileMilliseconds(0.5):0.00} ms, p99 {half.Latencies.QuantileMilliseconds(0.99):0.00} ms (the generator sent p99 {half.SendLateness!.QuantileMilliseconds(0.99):0.00} ms late); the floor at that rate...");
        var floorRequest = floor.Post("/consume", FloorBody);
        var atFloor = floor.RunAtRate(_ => floorRequest, rate, TimeSpan.FromSeconds(1), options.Duration);
        ThrowOnFailures(atFloor, "floor", scenario);
        Progress.Report($"  floor p50 {atFloor.Latencies.QuantileMilliseconds(0.5):0.00} ms, p99 {atFloor.Latencies.QuantileMilliseconds(0.99):0.00} ms");
        return new Row(storage, system, scenario, peak, cpuPerCall, callsPerCommit, half, atFloor, "");
    }

    /// <summary>The storage transactions the servers have committed so far, from their <c>/metrics</c>; 0 for servers without it.</summary>
    private static double StorageCommits(IReadOnlyList<ServerProcess> servers)
    {
        const string Series = "tollgate_storage_commit_duration_seconds_count";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var commits = 0d;
        foreach (var server in servers)
        {
            using var response = client.GetAsync(new Uri(server.BaseAddress, "/metrics")).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) continue;
            foreach (var line in response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Split('\n'))
                if (line.StartsWith(Series, StringComparison.Ordinal)) // name{labels} value [timestamp]
                    commits += double.Parse(line[(line.IndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return commits;
    }

    private static void ThrowOnFailures(LoadResult result, string system, string scenario)
    {
        if (result.Failed > 0)
            throw new BenchFailedException($"{system}, {scenario}: {result.Failed} of {result.Acknowledged + result.Failed} requests failed; the first: {result.FirstFailure?.Message}");
    }

    /// <summary>The hot counter must hold exactly the consumes acknowledged in both phases.</summary>
    private static string Verify(long stored, Row row)
    {
        var acknowledged = row.Peak.Acknowledged + row.Half.Acknowledged;
        return stored == acknowledged ? $"verified {stored:N0}" : throw new BenchFailedException($"{row.System} on {row.Storage}: stored {stored:N0}, acknowledged {acknowledged:N0}");
    }

    private sealed record Tenant(string Id, string Email, string ApiKey);

    private static async Task<Tenant[]> SetUpAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync(client, OperatorEmail, OperatorPassword));
        await Created(client.PostAsJsonAsync("/v1/admin/apps", new { id = "bench", name = "Bench" }));
        for (var q = 0; q < QuotaTypesPerTenant; q++)
            await Created(client.PostAsJsonAsync("/v1/admin/apps/bench/quota-types", new { key = $"q{q}", name = $"Q{q}", unit = "call", window = "lifetime" }));
        await Created(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "bench", name = "Bench", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = Enumerable.Range(0, QuotaTypesPerTenant).ToDictionary(q => $"bench/q{q}", _ => 1_000_000_000_000L),
        }));
        client.DefaultRequestHeaders.Authorization = null;
        var tenants = new Tenant[SpreadTenants + 1];
        await Parallel.ForEachAsync(Enumerable.Range(0, SpreadTenants + 1), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (t, _) =>
        {
            var email = $"tenant{t}@bench.test";
            var registered = await Created(client.PostAsJsonAsync("/v1/auth/register", new { email, password = "bench-password" }));
            var tenantId = registered.GetProperty("tenant").GetProperty("id").GetString()!;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenantId}/api-keys")
            {
                Content = JsonContent.Create(new { name = "bench", scopes = new[] { "quota:consume" } }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registered.GetProperty("accessToken").GetString());
            var key = await Created(client.SendAsync(request));
            tenants[t] = new Tenant(tenantId, email, key.GetProperty("key").GetString()!);
        });
        return tenants;
    }

    private static async Task<string> LoginAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/v1/auth/login", new { email, password });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonElement> Created(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created) throw new BenchFailedException($"setup failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);

    private static async Task<long> ScalarAsync(StorageProviderKind kind, string connectionString, string sql)
    {
        if (kind == StorageProviderKind.Sqlite)
        {
            await using var sqlite = new SqliteConnection(connectionString);
            await sqlite.OpenAsync();
            await using var command = new SqliteCommand(sql, sqlite);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        await using var postgres = new NpgsqlConnection(connectionString);
        await postgres.OpenAsync();
        await using var pgCommand = new NpgsqlCommand(sql, postgres);
        return Convert.ToInt64(await pgCommand.ExecuteScalarAsync());
    }

    /// <param name="latencyRun">Names the open-loop run: half of each peak, or the one rate given.</param>
    private static void Print(List<Row> rows, string latencyRun)
    {
        var table = new TextTable(("storage", false), ("scenario", false), ("system", false), ("peak/s", true), ("vs baseline", true),
            ("vs pre-orleans", true), ("cpu us/call", true), ("calls/commit", true),
            ("p50 ms", true), ("p99 ms", true), ($"{latencyRun} p50", true), ($"{latencyRun} p99", true), ("floor p99", true), ("sent late p99", true), ("durability", false));
        foreach (var row in rows)
        {
            string Versus(string system) => rows.FirstOrDefault(r => r.Storage == row.Storage && r.Scenario == row.Scenario && r.System == system)
                is { } other && other != row ? $"{row.Peak.CallsPerSecond / other.Peak.CallsPerSecond:0.00}x" : "-";
            table.Add(row.Storage, row.Scenario, row.System, row.Peak.CallsPerSecond.ToString("N0"), Versus("baseline"), Versus(SiloBuild.PreOrleansName),
                row.CpuPerCall.ToString("N0"), row.CallsPerCommit?.ToString("N1") ?? "-",
                row.Peak.Latencies.QuantileMilliseconds(0.5).ToString("0.00"), row.Peak.Latencies.QuantileMilliseconds(0.99).ToString("0.00"),
                row.Half.Latencies.QuantileMilliseconds(0.5).ToString("0.00"), row.Half.Latencies.QuantileMilliseconds(0.99).ToString("0.00"),
                row.Floor.Latencies.QuantileMilliseconds(0.99).ToString("0.00"), row.Half.SendLateness!.QuantileMilliseconds(0.99).ToString("0.00"),
                row.Verified);
        }
        Console.WriteLine();
        Console.Write(table);
    }
}
