using Tollgate.Bench;
using Tollgate.Testing;
using Tollgate.Runtime.Storage;

if (args is ["serve-baseline", var storageName, var connectionString, var url])
    return await Tollgate.Bench.Consume.BaselineServer.RunAsync(storageName, connectionString, url);

string? suite = args is ["consume" or "usage" or "writes-beside" or "reminders", ..] ? args[0] : null;
if (suite is not null) args = args[1..];

if (args is ["-h" or "--help"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (suite is not null)
{
    try
    {
        return suite switch
        {
            "consume" => await Tollgate.Bench.Consume.ConsumeBench.RunAsync(options),
            "usage" => await Tollgate.Bench.Reports.UsageReportBench.RunAsync(options),
            "reminders" => await Tollgate.Bench.Storage.ReminderClaimsBench.RunAsync(options),
            _ => await Tollgate.Bench.Storage.WritesBesideBench.RunAsync(options),
        };
    }
    catch (BenchFailedException failure)
    {
        Console.WriteLine($"FAILED: {failure.Message}");
        return 1;
    }
}

int[] grainCounts = [1, 1_000];
var runner = new ScenarioRunner(options);
var rows = new List<(Scenario Scenario, LoadResult? Load)>();
var failures = new List<string>();

ScenarioRunner.Progress($"Tollgate bench: {options.Duration.TotalSeconds:0.###} s per scenario after a {BenchOptions.WarmUp.TotalSeconds:0} s warm-up, "
    + $"{options.Concurrency} concurrent callers, {Environment.ProcessorCount} cores");

if (options.Includes(BenchStorage.Memory))
    await RunAllAsync(Workload.GrainCall, BenchStorage.Memory, () => StorageTarget.CreateAsync(StorageProviderKind.Memory));

if (options.Includes(BenchStorage.Sqlite))
    await RunAllAsync(Workload.PersistedWrite, BenchStorage.Sqlite, () => StorageTarget.CreateAsync(StorageProviderKind.Sqlite));

if (options.Includes(BenchStorage.Postgres))
{
    PostgresServer? throwaway = null;
    // Started on first use; if it cannot start, each PostgreSQL scenario fails with that reason.
    var server = new Lazy<Task<PostgresServer>>(async () =>
    {
        if (options.PostgresConnectionString is { } given) return PostgresServer.Connect(given);
        ScenarioRunner.Progress("starting a throwaway PostgreSQL server with fsync on...");
        throwaway = await PostgresServer.StartThrowawayAsync(durable: true);
        return throwaway;
    });
    try
    {
        await RunAllAsync(Workload.PersistedWrite, BenchStorage.Postgres, async () => await StorageTarget.CreateAsync(StorageProviderKind.PostgreSql, await server.Value));
    }
    finally
    {
        if (throwaway is not null) await throwaway.DisposeAsync();
    }
}

var table = new TextTable(("scenario", false), ("storage", false), ("grains", true), ("calls/s", true), ("p50 ms", true), ("p99 ms", true));
foreach (var (scenario, load) in rows)
    table.Add(scenario.Name, scenario.StorageName, scenario.Grains.ToString("N0"),
        load?.CallsPerSecond.ToString("N0") ?? "FAILED",
        load?.Latencies.QuantileMilliseconds(0.50).ToString("0.000") ?? "-",
        load?.Latencies.QuantileMilliseconds(0.99).ToString("0.000") ?? "-");
Console.WriteLine();
Console.Write(table);

var verified = rows.Count(r => r.Load is not null && r.Scenario.Workload == Workload.PersistedWrite);
if (verified > 0) Console.WriteLine($"durability: each persisted row above was verified after a restart ({verified} verified).");
if (failures.Count == 0) return 0;
foreach (var failure in failures) Console.WriteLine($"FAILED: {failure}");
return 1;

async Task RunAllAsync(Workload workload, BenchStorage storage, Func<Task<StorageTarget>> createDatabase)
{
    foreach (var grains in grainCounts)
    {
        var scenario = new Scenario(workload, storage, grains);
        try
        {
            await using var database = await createDatabase();
            rows.Add((scenario, (await runner.RunAsync(scenario, database)).Load));
        }
        catch (Exception exception)
        {
            rows.Add((scenario, null));
            failures.Add($"{scenario}: {exception.Message}");
            Console.Error.WriteLine($"FAILED: {scenario}: {exception.Message}");
            // A bench failure explains itself; anything else gets its stack trace.
            if (exception is not BenchFailedException || exception.InnerException is not null) Console.Error.WriteLine(exception);
        }
    }
}
