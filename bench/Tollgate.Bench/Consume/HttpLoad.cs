using System.Diagnostics;
using System.Net;

namespace Tollgate.Bench.Consume;

/// <summary>Sends consume requests; a request that is not answered 200 counts as a failure.</summary>
public sealed class HttpLoad(Uri baseAddress, int connections)
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    }) { BaseAddress = baseAddress };

    /// <summary>One consume: the request is built by the caller (body and headers pre-made).</summary>
    public async Task SendAsync(Func<HttpRequestMessage> request)
    {
        using var response = await _client.SendAsync(request());
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Load at a fixed rate, in the manner of wrk2: each of <paramref name="workers"/> connections
    /// sends on its own schedule (rate / workers), and latency counts from when a request was
    /// scheduled, not when it went out, so a stall that delays later requests shows in them too.
    /// </summary>
    public static async Task<LoadResult> RunAtRateAsync(Func<Random, Task> call, double perSecond, int workers, TimeSpan warmUp, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = Stopwatch.Frequency * workers / perSecond;
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var latencies = new LatencyHistogram();
            long acknowledged = 0, failed = 0;
            Exception? firstFailure = null;
            for (long k = 0; ; k++)
            {
                var scheduled = start + (long)((k + (double)worker / workers) * interval);
                if (scheduled >= end) break;
                var wait = scheduled - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                try
                {
                    await call(random);
                    acknowledged++;
                    if (scheduled >= measureFrom) latencies.Record(Stopwatch.GetTimestamp() - scheduled);
                }
                catch (Exception exception)
                {
                    failed++;
                    firstFailure ??= exception;
                }
            }
            return (latencies, acknowledged, failed, firstFailure);
        })));
        var all = new LatencyHistogram();
        foreach (var result in results) all.Add(result.latencies);
        return new LoadResult(all, duration, results.Sum(r => r.acknowledged), results.Sum(r => r.failed), results.Select(r => r.firstFailure).FirstOrDefault(f => f is not null));
    }
}
