using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Tollgate.Runtime;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Storage;

/// <summary>
/// How long a write beside the grains' state writes takes on SQLite (a reminder change; the sweep
/// of expired entries goes the same way), and what it costs those state writes, while the batch
/// writer is kept busy. Tollgate hands it to the batch writer; the baseline makes it on a connection
/// of its own with a busy timeout, as Tollgate did before and as any code beside the silo would.
/// </summary>
public static class WritesBesideBench
{
    /// <summary>One reminder change every so often, from one caller, while the writers write.</summary>
    private static readonly TimeSpan ChangeInterval = TimeSpan.FromMilliseconds(20);

    // Tollgate's own statement (SqlStorage's reminder upsert), with SQLite's parameters.
    private const string UpsertReminder = """
        INSERT INTO reminders (grain_type, grain_key, reminder_name, start_at, period_ms, next_due, version)
        VALUES (@type, @key, @name, @start, @period, @start, 1)
        ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
          SET start_at = excluded.start_at, period_ms = excluded.period_ms, next_due = excluded.next_due, version = reminders.version + 1
        RETURNING version
        """;

    private sealed record Result(string System, double WritesPerSecond, LatencyHistogram Writes, LatencyHistogram Changes);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var table = new TextTable(("storage", false), ("reminder change made", false), ("state writes/s", true), ("write p99 ms", true),
            ("write max ms", true), ("changes", true), ("change p50 ms", true), ("change p99 ms", true), ("change max ms", true));
        foreach (var system in new[] { "baseline", "tollgate" })
        {
            ScenarioRunner.Progress($"running: {system}, {options.Concurrency} state writers and a reminder change every {ChangeInterval.TotalMilliseconds:0} ms...");
            var result = await RunAsync(options, system);
            ScenarioRunner.Progress($"  {result.WritesPerSecond:N0} writes/s; reminder change p99 {result.Changes.QuantileMilliseconds(0.99):0.00} ms");
            table.Add("sqlite", system == "baseline" ? "on its own connection (baseline)" : "by the batch writer (tollgate)",
                result.WritesPerSecond.ToString("N0"), Ms(result.Writes, 0.99), Ms(result.Writes, 1), result.Changes.Count.ToString("N0"),
                Ms(result.Changes, 0.5), Ms(result.Changes, 0.99), Ms(result.Changes, 1));
        }
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine($"{options.Concurrency} callers each writing one grain's state back to back, and one caller changing a reminder every {ChangeInterval.TotalMilliseconds:0} ms; "
            + $"{options.Duration.TotalSeconds:0.###} s measured after a {BenchOptions.WarmUp.TotalSeconds:0} s warm-up.");
        return 0;
    }

    private static string Ms(LatencyHistogram histogram, double quantile) => histogram.QuantileMilliseconds(quantile).ToString("0.00");

    private static async Task<Result> RunAsync(BenchOptions options, string system)
    {
        await using var database = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var storage = StorageProviders.Create(new StorageOptions { Provider = StorageProviderKind.Sqlite, ConnectionString = database.ConnectionString });
        await storage.InitializeAsync(CancellationToken.None);
        await using var ownConnection = system == "baseline" ? OpenBaselineConnection(database.ConnectionString) : null;

        var measureFrom = Stopwatch.GetTimestamp() + (long)(BenchOptions.WarmUp.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var writers = Enumerable.Range(0, options.Concurrency).Select(i => Task.Run(async () =>
        {
            var latencies = new LatencyHistogram();
            var key = new GrainStateKey("bench", $"writer-{i}", "state");
            var version = 0L;
            while (Stopwatch.GetTimestamp() < measureTo)
            {
                var startedAt = Stopwatch.GetTimestamp();
                version = await storage.GrainStorage.WriteAsync(key, version.ToString(), version, [], []);
                if (startedAt >= measureFrom) latencies.Record(Stopwatch.GetTimestamp() - startedAt);
            }
            return latencies;
        })).ToArray();
        var changes = Task.Run(async () =>
        {
            var latencies = new LatencyHistogram();
            for (var n = 0; Stopwatch.GetTimestamp() < measureTo; n++)
            {
                var grain = new GrainId("bench", $"reminded-{n % 100}");
                var startAt = DateTimeOffset.UtcNow.AddHours(1);
                var startedAt = Stopwatch.GetTimestamp();
                if (ownConnection is null) await storage.Reminders.UpsertAsync(grain, "tick", startAt, TimeSpan.FromMinutes(1));
                else UpsertOnOwnConnection(ownConnection, grain, startAt);
                // Every change the window saw, whenever it began: one that waits out the whole window still counts.
                var endedAt = Stopwatch.GetTimestamp();
                if (endedAt >= measureFrom) latencies.Record(endedAt - startedAt);
                await Task.Delay(ChangeInterval);
            }
            return latencies;
        });

        var writes = new LatencyHistogram();
        foreach (var writer in await Task.WhenAll(writers)) writes.Add(writer);
        var changeLatencies = await changes;
        return new Result(system, writes.Count / options.Duration.TotalSeconds, writes, changeLatencies);
    }

    /// <summary>A connection as Tollgate's own used to be for such writes: synchronous=FULL, waiting for the lock with SQLite's busy handler.</summary>
    private static SqliteConnection OpenBaselineConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void UpsertOnOwnConnection(SqliteConnection connection, GrainId grain, DateTimeOffset startAt)
    {
        using var command = connection.CreateCommand();
        command.CommandText = UpsertReminder;
        command.Parameters.AddWithValue("@type", grain.Type);
        command.Parameters.AddWithValue("@key", grain.Key);
        command.Parameters.AddWithValue("@name", "tick");
        command.Parameters.AddWithValue("@start", startAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@period", (long)TimeSpan.FromMinutes(1).TotalMilliseconds);
        command.ExecuteScalar();
    }
}
