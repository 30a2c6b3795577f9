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
/// baseline, the last build on Tollgate's own runtime (pre-orleans) and this build (orleans), side by side.
/// For each: the peak (closed loop) and the latency at half that
/// rate, or at the one rate <c>--rate</c> gives (open loop). Also: the 10,000 counters' first consumes
/// (cold), a consume then its refund (orleans), and on SQLite a hot counter under wrk against a no-op
/// Kestrel POST measured in the same run.
/// </summary>
public static class ConsumeBench
{
    internal const string OperatorEmail = "bench-ops@tollgate.test";
    internal const string OperatorPassword = "bench-operator-password";
    // The hot counters are reserved: c0 and tenant 0's first quota, tenant 0's second for keyed
    // consumes, its third for consumes refunded, its fourth for wrk. The spread scenario uses the
    // 10,000 others (c1..c10000; tenants 1..100 x 100 quotas), so the hot counts can be verified.
    private const int SpreadTenants = 100, QuotaTypesPerTenant = 100, Counters = SpreadTenants * QuotaTypesPerTenant;
    private const string Hot = "1 hot counter", Spread = "10,000 counters", Cold = "10,000 counters, first use",
        Keyed = "1 hot counter, keyed", Refunded = "1 hot counter, refunded", UnderWrk = "1 hot counter, wrk";

    // CpuPerCall: microseconds of the servers' own CPU time per consume answered at peak (the load generator's not counted).
    // CallsPerCommit: consumes answered per storage transaction at peak, from the silo's /metrics (how well group commit shares them).
    // AllocatedPerCall: bytes the servers allocated per consume answered at peak (AllocationProbe).
    // HopsPerCall: messages between silos per consume, halved (a call that hops is a request and its response), from Orleans' /metrics.
    // Half and Floor: the latency runs, which the cold, refund and wrk rows do not have.
    internal sealed record Row(string Storage, string System, string Scenario, LoadResult Peak, double CpuPerCall, double? CallsPerCommit,
        double? AllocatedPerCall, double? HopsPerCall, LoadResult? Half, LoadResult? Floor, string Verified);

    internal static readonly byte[] FloorBody = Json(new { counter = "c0", amount = 1 });

    public static async Task<int> RunAsync(BenchOptions options)
    {
        if (Wrk.Executable is null
            && new[] { SiloBuild.PreOrleansName, "orleans" }.Any(system => options.Includes("sqlite", system, UnderWrk)))
            throw new BenchFailedException("wrk is not installed (apt-get install -y wrk); leave its rows out with --rows.");
        Progress.Report($"each row is warmed for {options.ConsumeWarmUp.TotalSeconds:0} s before it is measured (--warmup)");
        var rows = new List<Row>();
        // The floor: an endpoint that parses the body and answers at once. Each half-load run is
        // repeated against it at the same rate, so the table shows what this machine, its HTTP
        // stack and the load generator cost before any counting or storage.
        await using var floorServer = await ServerProcess.StartAsync(
            url => [typeof(ConsumeBench).Assembly.Location, "serve-baseline", "none", "", url],
            new Dictionary<string, string>(), "baseline ready");
        var floor = new HttpLoad(floorServer.BaseAddress, options.Concurrency);
        var noOp = new Lazy<Wrk.Result>(() =>
        {
            Progress.Report("running: wrk against the no-op Kestrel POST...");
            return Wrk.Run(floorServer, "/consume", FloorBody, apiKey: null, options.Concurrency, options.ConsumeWarmUp, options.Duration);
        });
        SiloBuild[] builds = options.Rows is null || options.Rows.IsMatch(SiloBuild.PreOrleansName)
            ? [await SiloBuild.PreOrleansAsync(), SiloBuild.Current()]
            : [SiloBuild.Current()];
        var wrkRows = new List<(string System, Wrk.Result Result)>();
        await BenchDatabases.ForEachAsync(options, async (storage, kind, server) =>
        {
            var storageName = storage.ToString().ToLowerInvariant();
            if (options.Includes(storageName, "baseline", Hot) || options.Includes(storageName, "baseline", Spread))
                rows.AddRange(await RunBaselineAsync(options, floor, storage, kind, server));
            foreach (var build in builds.Where(build => RowsOf(build).Any(scenario => options.Includes(storageName, build.Name, scenario))))
                rows.AddRange(await RunTollgateAsync(options, floor, storage, kind, server, build, noOp, wrkRows));
            if (kind == StorageProviderKind.PostgreSql && options.Includes(storageName, $"{builds[^1].Name}, 3 silos", Spread))
                rows.Add(await RunClusterAsync(options, floor, server, builds[^1]));
        });
        Print(rows, options.Rate is { } rate ? $"at {rate:N0}/s" : "half-load", options.ConsumeWarmUp);
        if (wrkRows.Count > 0) PrintWrk(noOp.Value, wrkRows, options);
        return 0;
    }

    private static string[] RowsOf(SiloBuild build) => build.Name == SiloBuild.PreOrleansName
        ? [Hot, UnderWrk, Cold, Spread, Keyed]
        : [Hot, UnderWrk, Cold, Spread, Keyed, Refunded];

    private static async Task<List<Row>> RunBaselineAsync(BenchOptions options, HttpLoad floor, BenchStorage storage,
        StorageProviderKind kind, PostgresServer? server)
    {
        await using var database = await StorageTarget.CreateAsync(kind, server);
        var storageName = storage == BenchStorage.Sqlite ? "sqlite" : "postgres";
        if (kind == StorageProviderKind.Sqlite)
            Directory.CreateDirectory(Path.GetDirectoryName(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource)!);
        await BaselineServer.SeedAsync(storageName, database.ConnectionString, Counters + 1);
        var rows = new List<Row>();
        await using (var process = await ServerProcess.StartAsync(
            url => [typeof(ConsumeBench).Assembly.Location, "serve-baseline", storageName, database.ConnectionString, url],
            new Dictionary<string, string>(), "baseline ready"))
        {
            var load = new HttpLoad(process.BaseAddress, options.Concurrency);
            var hot = load.Post("/consume", Json(new { counter = "c0", amount = 1 }));
            var spread = Enumerable.Range(1, Counters)
                .Select(i => load.Post("/consume", Json(new { counter = $"c{i}", amount = 1 }))).ToArray();
            if (options.Includes(storageName, "baseline", Hot))
            {
                rows.Add(Measure(options, floor, load, [process], storageName, "baseline", Hot, _ => hot));
                var stored = await ScalarAsync(kind, database.ConnectionString, "SELECT used FROM counters WHERE id = 'c0'");
                rows[0] = rows[0] with { Verified = Verify(stored, rows[0]) };
            }
            if (options.Includes(storageName, "baseline", Spread))
                rows.Add(Measure(options, floor, load, [process], storageName, "baseline", Spread,
                    random => spread[random.Next(Counters)]));
        }
        return rows;
    }

    private static async Task<List<Row>> RunTollgateAsync(BenchOptions options, HttpLoad floor, BenchStorage storage,
        StorageProviderKind kind, PostgresServer? server, SiloBuild build, Lazy<Wrk.Result> noOp,
        List<(string System, Wrk.Result Result)> wrkRows)
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
            var bodies = Enumerable.Range(0, QuotaTypesPerTenant)
                .Select(q => Json(new { quotaType = $"bench/q{q}", amount = 1 })).ToArray();
            var hot = load.Post("/v1/quota/consume", bodies[0], tenants[0].ApiKey);
            var spread = tenants.Skip(1)
                .SelectMany(tenant => bodies.Select(body => load.Post("/v1/quota/consume", body, tenant.ApiKey))).ToArray();
            bool Runs(string scenario) => RowsOf(build).Contains(scenario) && options.Includes(storageName, build.Name, scenario);
            if (Runs(Hot)) rows.Add(Measure(options, floor, load, [process], storageName, build.Name, Hot, _ => hot));
            if (storage == BenchStorage.Sqlite && Runs(UnderWrk))
            {
                var noOpResult = noOp.Value; // measured first, once, in the same run
                Progress.Report($"running: {build.Name} on {storageName}, {UnderWrk}...");
                var result = Wrk.Run(process, "/v1/quota/consume", bodies[3], tenants[0].ApiKey,
                    options.Concurrency, options.ConsumeWarmUp, options.Duration);
                Progress.Report($"  {result.RequestsPerSecond:N0}/s ({result.RequestsPerSecond / noOpResult.RequestsPerSecond:0.00}x "
                    + $"the no-op), {result.CpuPerRequest:N0} us of CPU a request");
                wrkRows.Add((build.Name, result));
            }
            if (Runs(Cold))
            {
                // Every counter's first consume, in random order: each activates its counter (state read, registration).
                Progress.Report($"running: {build.Name} on {storageName}, {Cold}...");
                var first = spread.OrderBy(_ => Random.Shared.Next()).ToArray();
                rows.Add(MeasureOnce(load, [process], storageName, build.Name, Cold, first));
            }
            else if (Runs(Spread))
            {
                await ActivateAsync([process.BaseAddress], tenants);
            }
            if (Runs(Spread)) rows.Add(Measure(options, floor, load, [process], storageName, build.Name, Spread,
                random => spread[random.Next(Counters)]));
            if (Runs(Keyed))
            {
                // Every answer is kept for a day: by the end of the run the counter holds about 100,000.
                var sent = 0L;
                rows.Add(Measure(options, floor, load, [process], storageName, build.Name, Keyed,
                    _ => load.Post("/v1/quota/consume", bodies[1], tenants[0].ApiKey, $"key-{Interlocked.Increment(ref sent)}")));
            }
            if (Runs(Refunded))
            {
                // Each call: a consume, then its refund by the consumeId it answered.
                var consume = load.Post("/v1/quota/consume", bodies[2], tenants[0].ApiKey);
                rows.Add(Measure(options, floor, load, [process], storageName, build.Name, Refunded, _ => consume,
                    answer => load.Post("/v1/quota/refund", Json(new
                    {
                        quotaType = "bench/q2", amount = 1,
                        consumeId = JsonDocument.Parse(answer).RootElement.GetProperty("consumeId").GetString(),
                    }), tenants[0].ApiKey)));
            }
        }
        // After a graceful stop, a new silo reads what storage holds.
        await using (var process = await build.StartAsync(database, new Dictionary<string, string>()))
        {
            using var client = new HttpClient { BaseAddress = process.BaseAddress };
            var token = await LoginAsync(client, tenants[0].Email, "bench-password");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var quotas = await client.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenants[0].Id}/quotas");
            long Used(string quotaType) => quotas.EnumerateArray().Single(q => q.GetProperty("quotaType").GetString() == quotaType)
                .GetProperty("used").GetInt64();
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i] = rows[i] with
                {
                    Verified = rows[i].Scenario switch
                    {
                        Hot => Verify(Used("bench/q0"), rows[i]),
                        Keyed => Verify(Used("bench/q1"), rows[i]),
                        // Every consume was refunded whole.
                        Refunded => Used("bench/q2") == 0 ? "verified 0 left" : throw new BenchFailedException(
                            $"{build.Name} on {storageName}: {Used("bench/q2"):N0} left used after refunding every consume"),
                        _ => "",
                    },
                };
            }
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
        var spread = tenants.Skip(1)
            .SelectMany(tenant => bodies.Select(body => load.Post("/v1/quota/consume", body, tenant.ApiKey))).ToArray();
        await ActivateAsync([first.BaseAddress, second.BaseAddress, third.BaseAddress], tenants);
        return Measure(options, floor, load, [first, second, third], "postgres", $"{build.Name}, 3 silos", Spread,
            random => spread[random.Next(Counters)]);
    }

    /// <summary>
    /// One consume on each of the 10,000 counters before they are measured, so the run measures
    /// counters at work, not their first activation (each loads its state and registers with its
    /// tenant's subscription once), whatever the build.
    /// </summary>
    private static async Task ActivateAsync(Uri[] silos, Tenant[] tenants)
    {
        Progress.Report($"activating {Counters:N0} counters...");
        var counters = tenants.Skip(1)
            .SelectMany(tenant => Enumerable.Range(0, QuotaTypesPerTenant).Select(q => (tenant.ApiKey, q))).ToList();
        using var clients = new HttpClientSet(silos);
        await Parallel.ForEachAsync(counters.Select((counter, i) => (counter, i)),
            new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume")
            {
                Content = JsonContent.Create(new { quotaType = $"bench/q{item.counter.q}", amount = 1 }),
            };
            request.Headers.Add("X-Api-Key", item.counter.ApiKey);
            using var response = await clients.For(item.i).SendAsync(request);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
                throw new BenchFailedException(
                    $"activating counters: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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

    internal static Row Measure(BenchOptions options, HttpLoad floor, HttpLoad load, IReadOnlyList<ServerProcess> servers, string storage,
        string system, string scenario, Func<Random, byte[]> request, Func<string, byte[]>? followUp = null)
    {
        Progress.Report($"running: {system} on {storage}, {scenario}: {options.ConsumeWarmUp.TotalSeconds:0} s warm-up, then the peak...");
        var atMeasureStart = Task.Delay(options.ConsumeWarmUp).ContinueWith(_ => ServerCounters.Read(servers), TaskScheduler.Default);
        var peak = load.RunClosedLoop(request, options.ConsumeWarmUp, options.Duration, followUp);
        var (atStart, atEnd) = (atMeasureStart.GetAwaiter().GetResult(), ServerCounters.Read(servers));
        ThrowOnFailures(peak, system, scenario);
        var row = Counted(storage, system, scenario, peak, atStart, atEnd);
        if (followUp is not null) return row; // a pair of requests has no one rate to hold
        var rate = options.Rate ?? peak.CallsPerSecond / 2;
        Progress.Report($"  {peak.CallsPerSecond:N0}/s at peak, p99 {peak.Latencies.QuantileMilliseconds(0.99):0.00} ms; "
            + $"now at {rate:N0}/s...");
        var half = load.RunAtRate(request, rate, TimeSpan.FromSeconds(1), options.Duration);
        ThrowOnFailures(half, system, scenario);
        Progress.Report($"  at {rate:N0}/s p50 {half.Latencies.QuantileMilliseconds(0.5):0.00} ms, "
            + $"p99 {half.Latencies.QuantileMilliseconds(0.99):0.00} ms "
            + $"(the generator sent p99 {half.SendLateness!.QuantileMilliseconds(0.99):0.00} ms late); the floor at that rate...");
        var floorRequest = floor.Post("/consume", FloorBody);
        var atFloor = floor.RunAtRate(_ => floorRequest, rate, TimeSpan.FromSeconds(1), options.Duration);
        ThrowOnFailures(atFloor, "floor", scenario);
        Progress.Report($"  floor p50 {atFloor.Latencies.QuantileMilliseconds(0.5):0.00} ms, "
            + $"p99 {atFloor.Latencies.QuantileMilliseconds(0.99):0.00} ms");
        return row with { Half = half, Floor = atFloor };
    }

    /// <summary>Each request once, all connections at once, with no warm-up: what first uses cost.</summary>
    internal static Row MeasureOnce(HttpLoad load, IReadOnlyList<ServerProcess> servers, string storage, string system, string scenario,
        byte[][] requests)
    {
        var atStart = ServerCounters.Read(servers);
        var result = load.RunAll(requests);
        var atEnd = ServerCounters.Read(servers);
        ThrowOnFailures(result, system, scenario);
        Progress.Report($"  {result.CallsPerSecond:N0}/s, p99 {result.Latencies.QuantileMilliseconds(0.99):0.00} ms");
        return Counted(storage, system, scenario, result, atStart, atEnd);
    }

    private static Row Counted(string storage, string system, string scenario, LoadResult result, ServerCounters atStart,
        ServerCounters atEnd)
    {
        var calls = Math.Max(1, result.Latencies.Count);
        return new Row(storage, system, scenario, result,
            CpuPerCall: (atEnd.Cpu - atStart.Cpu).TotalMicroseconds / calls,
            CallsPerCommit: atEnd.Commits - atStart.Commits is > 0 and var commits ? result.Latencies.Count / commits : null,
            AllocatedPerCall: atEnd.Allocated - atStart.Allocated is { } bytes ? (double)bytes / calls : null,
            HopsPerCall: atEnd.Servers > 1 ? (atEnd.SiloMessages - atStart.SiloMessages) / 2 / calls : null,
            Half: null, Floor: null, Verified: "");
    }

    /// <summary>What the servers have done so far: CPU, storage commits, bytes allocated, messages sent to other silos.</summary>
    private sealed record ServerCounters(int Servers, TimeSpan Cpu, double Commits, long? Allocated, double SiloMessages)
    {
        public static ServerCounters Read(IReadOnlyList<ServerProcess> servers)
        {
            var cpu = servers.Aggregate(TimeSpan.Zero, (sum, server) => sum + server.ProcessorTime);
            long? allocated = 0;
            foreach (var server in servers) allocated = server.AllocatedBytes is { } bytes ? allocated + bytes : null;
            double commits = 0, siloMessages = 0;
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var server in servers)
            {
                using var response = client.GetAsync(new Uri(server.BaseAddress, "/metrics")).GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode) continue;
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                commits += Sum(text, "tollgate_storage_commit_duration_seconds_count");
                // Orleans records each message's size as it goes to another silo.
                siloMessages += Sum(text, "orleans_messaging_sent_messages_size_bytes_count");
            }
            return new ServerCounters(servers.Count, cpu, commits, allocated, siloMessages);
        }

        /// <summary>
        /// The sum of a series' values over its labels, in Prometheus' text format: <c>name{labels} value [timestamp]</c>.
        /// </summary>
        private static double Sum(string text, string series)
        {
            var sum = 0d;
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith(series, StringComparison.Ordinal) || line.Length == series.Length
                    || line[series.Length] is not ('{' or ' ')) continue;
                var value = line[(line.IndexOf('}') is var brace and >= 0 ? brace + 1 : series.Length)..].Trim().Split(' ')[0];
                sum += double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return sum;
        }
    }

    internal static void ThrowOnFailures(LoadResult result, string system, string scenario)
    {
        if (result.Failed > 0)
            throw new BenchFailedException($"{system}, {scenario}: {result.Failed} of "
                + $"{result.Acknowledged + result.Failed} requests failed; the first: {result.FirstFailure?.Message}");
    }

    /// <summary>The hot counter must hold exactly the consumes acknowledged in both phases.</summary>
    private static string Verify(long stored, Row row)
    {
        var acknowledged = row.Peak.Acknowledged + (row.Half?.Acknowledged ?? 0);
        return stored == acknowledged ? $"verified {stored:N0}"
            : throw new BenchFailedException($"{row.System} on {row.Storage}: stored {stored:N0}, acknowledged {acknowledged:N0}");
    }

    private sealed record Tenant(string Id, string Email, string ApiKey);

    private static async Task<Tenant[]> SetUpAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await LoginAsync(client, OperatorEmail, OperatorPassword));
        await Created(client.PostAsJsonAsync("/v1/admin/apps", new { id = "bench", name = "Bench" }));
        for (var q = 0; q < QuotaTypesPerTenant; q++)
            await Created(client.PostAsJsonAsync("/v1/admin/apps/bench/quota-types",
                new { key = $"q{q}", name = $"Q{q}", unit = "call", window = "lifetime" }));
        await Created(client.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "bench", name = "Bench", priceMinor = 0, currency = "USD", interval = "month", isDefault = true,
            quotas = Enumerable.Range(0, QuotaTypesPerTenant).ToDictionary(q => $"bench/q{q}", _ => 1_000_000_000_000L),
        }));
        client.DefaultRequestHeaders.Authorization = null;
        var tenants = new Tenant[SpreadTenants + 1];
        await Parallel.ForEachAsync(Enumerable.Range(0, SpreadTenants + 1),
            new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (t, _) =>
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

    internal static async Task<string> LoginAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/v1/auth/login", new { email, password });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    internal static async Task<JsonElement> Created(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
            throw new BenchFailedException($"setup failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);

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
    internal static void Print(List<Row> rows, string latencyRun, TimeSpan warmUp)
    {
        var table = new TextTable(("storage", false), ("scenario", false), ("system", false), ("peak/s", true), ("vs baseline", true),
            ("vs pre-orleans", true), ("cpu us/call", true), ("alloc KB/call", true), ("calls/commit", true), ("hops/call", true),
            ("p50 ms", true), ("p99 ms", true), ($"{latencyRun} p50", true), ($"{latencyRun} p99", true), ("floor p99", true),
            ("sent late p99", true), ("durability", false));
        static string Ms(LatencyHistogram? latencies, double quantile) => latencies?.QuantileMilliseconds(quantile).ToString("0.00") ?? "-";
        foreach (var row in rows)
        {
            string Versus(string system) =>
                rows.FirstOrDefault(r => r.Storage == row.Storage && r.Scenario == row.Scenario && r.System == system)
                is { } other && other != row ? $"{row.Peak.CallsPerSecond / other.Peak.CallsPerSecond:0.00}x" : "-";
            table.Add(row.Storage, row.Scenario, row.System, row.Peak.CallsPerSecond.ToString("N0"), Versus("baseline"),
                Versus(SiloBuild.PreOrleansName),
                row.CpuPerCall.ToString("N0"), row.AllocatedPerCall is { } bytes ? (bytes / 1024).ToString("N1") : "-",
                row.CallsPerCommit?.ToString("N1") ?? "-", row.HopsPerCall?.ToString("0.00") ?? "-",
                Ms(row.Peak.Latencies, 0.5), Ms(row.Peak.Latencies, 0.99), Ms(row.Half?.Latencies, 0.5), Ms(row.Half?.Latencies, 0.99),
                Ms(row.Floor?.Latencies, 0.99), Ms(row.Half?.SendLateness, 0.99), row.Verified);
        }
        Console.WriteLine();
        Console.WriteLine($"Each row but the first-use one was warmed for {warmUp.TotalSeconds:0} s "
            + "under the same load before it was measured.");
        Console.Write(table);
    }

    private static void PrintWrk(Wrk.Result noOp, List<(string System, Wrk.Result Result)> rows, BenchOptions options)
    {
        var table = new TextTable(("system", false), ("req/s", true), ("x no-op", true), ("cpu us/req", true), ("alloc KB/req", true));
        static string Kilobytes(double? bytes) => bytes is { } b ? (b / 1024).ToString("N1") : "-";
        table.Add("no-op Kestrel JSON POST", noOp.RequestsPerSecond.ToString("N0"), "1.00", noOp.CpuPerRequest.ToString("N0"),
            Kilobytes(noOp.AllocatedPerRequest));
        foreach (var (system, result) in rows)
            table.Add($"{system}, 1 hot counter, sqlite", result.RequestsPerSecond.ToString("N0"),
                $"{result.RequestsPerSecond / noOp.RequestsPerSecond:0.00}x",
                result.CpuPerRequest.ToString("N0"), Kilobytes(result.AllocatedPerRequest));
        Console.WriteLine();
        Console.WriteLine($"wrk -t2 -c{options.Concurrency} -d{Math.Max(1, Math.Ceiling(options.Duration.TotalSeconds)):0}s, "
            + $"each after a {options.ConsumeWarmUp.TotalSeconds:0} s run of the same; CPU of the server only:");
        Console.Write(table);
    }
}
