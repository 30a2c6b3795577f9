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

/// <summary>
/// Closed-loop load: each caller sends its next call as soon as the previous one answers, so
/// concurrency is fixed and throughput is what the runtime sustains at that concurrency.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(Func<Random, Task> call, int concurrency, TimeSpan warmUp, TimeSpan duration)
    {
        // The window is fixed up front as timestamps, so callers share no mutable state at all.
        var measureFrom = Stopwatch.GetTimestamp() + ToTicks(warmUp);
        var measureUntil = measureFrom + ToTicks(duration);
        var callers = await Task.WhenAll(Enumerable.Range(0, concurrency)
            .Select(seed => Task.Run(() => RunCallerAsync(call, new Random(seed), measureFrom, measureUntil))));

        var latencies = new LatencyHistogram();
        foreach (var caller in callers) latencies.Add(caller.Latencies);
        return new LoadResult(latencies, duration,
            callers.Sum(c => c.Acknowledged), callers.Sum(c => c.Failed),
            callers.Select(c => c.FirstFailure).FirstOrDefault(f => f is not null));
    }

    private sealed record CallerResult(LatencyHistogram Latencies, long Acknowledged, long Failed, Exception? FirstFailure);

    private static async Task<CallerResult> RunCallerAsync(Func<Random, Task> call, Random random, long measureFrom, long measureUntil)
    {
        var latencies = new LatencyHistogram();
        long acknowledged = 0, failed = 0;
        Exception? firstFailure = null;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            var succeeded = false;
            try
            {
                await call(random);
                succeeded = true;
            }
            catch (Exception exception)
            {
                firstFailure ??= exception;
            }
            var answered = Stopwatch.GetTimestamp();
            if (succeeded) acknowledged++; else failed++;
            // A call counts towards throughput when its answer arrives inside the window.
            if (answered >= measureUntil) break;
            if (succeeded && answered >= measureFrom) latencies.Record(answered - sent);
        }
        return new CallerResult(latencies, acknowledged, failed, firstFailure);
    }

    private static long ToTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);
}
