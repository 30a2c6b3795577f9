using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// How long each group commit takes and how many writes it carries, read by dotnet-counters or
/// any OpenTelemetry exporter from the <see cref="MeterName"/> meter. Every write acknowledged by
/// a commit waited for all of it, so a slow commit shows up in the latency of every request
/// behind it; this is where to look when the request tail grows.
/// </summary>
internal static class StorageMetrics
{
    public const string MeterName = "Tollgate.Storage";
    /// <summary>OpenTelemetry's attribute for the database: <c>sqlite</c> or <c>postgresql</c>.</summary>
    public const string DatabaseTag = "db.system.name";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram(
        "tollgate.storage.commit.duration", unit: "s",
        description: "Duration of one transaction that commits a batch of grain writes.",
        advice: new InstrumentAdvice<double>
        {
            // Healthy commits take a fraction of a millisecond; disk stalls take tens.
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        });

    private static readonly Histogram<int> CommitWrites = Meter.CreateHistogram<int>(
        "tollgate.storage.commit.writes", unit: "{write}",
        description: "Writes carried by one committed batch: grain states, and on SQLite reminder changes and sweeps too.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    /// <summary>Records one finished commit; <paramref name="failure"/> tags it with <c>error.type</c>, as OpenTelemetry does.</summary>
    public static void Committed(string database, long startedAt, int writes, Exception? failure)
    {
        if (!CommitDuration.Enabled && !CommitWrites.Enabled) return;
        var tags = new TagList { { DatabaseTag, database } };
        if (failure is not null) tags.Add("error.type", failure.GetType().FullName);
        if (CommitDuration.Enabled) CommitDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        if (CommitWrites.Enabled) CommitWrites.Record(writes, tags);
    }
}
