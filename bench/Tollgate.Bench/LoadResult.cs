using System.Diagnostics;

namespace Tollgate.Bench;

/// <summary>What the callers saw: latencies inside the measured window, and every call's outcome.</summary>
/// <param name="Acknowledged">Calls that succeeded, warm-up included: what storage must hold afterwards.</param>
public sealed record LoadResult(LatencyHistogram Latencies, TimeSpan Window, long Acknowledged, long Failed, Exception? FirstFailure)
{
    public double CallsPerSecond => Latencies.Count / Window.TotalSeconds;

    /// <summary>For a fixed-rate run: how late the generator itself sent each request.</summary>
    public LatencyHistogram? SendLateness { get; init; }
}
