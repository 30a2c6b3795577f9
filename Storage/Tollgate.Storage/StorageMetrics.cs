using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tollgate.Storage;

/// <summary>
/// The storage's commits: how long each journal transaction (with the grain states it carries) takes,
/// and how many writes it carries, which is how well group commit is sharing them.
/// </summary>
internal static class StorageMetrics
{
    public const string MeterName = "Tollgate.Storage";

    private static readonly Meter s_meter = new(MeterName);

    // From a fraction of a millisecond (SQLite in the page cache) to the seconds of a database in trouble.
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram(
        "tollgate.storage.commit.duration", unit: "s", description: "Duration of a journal transaction, from opening it to its commit.",
        tags: null, advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    private static readonly Histogram<int> s_writes = s_meter.CreateHistogram(
        "tollgate.storage.commit.writes", unit: "{write}", description: "Grain writes carried by one journal transaction.",
        tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    public static void Committed(string system, long startedAt, int writes, Exception? failure)
    {
        var tags = new TagList { { "db.system.name", system } };
        if (failure is not null) tags.Add("error.type", failure.GetType().FullName);
        s_duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        s_writes.Record(writes, tags);
    }
}
