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
    /// Open-loop load at a fixed rate: requests start on schedule whether or not earlier ones have
    /// answered, and latency counts from the scheduled start, so a stall cannot hide itself.
    /// </summary>
    public static async Task<LoadResult> RunAtRateAsync(Func<Random, Task> call, double perSecond, TimeSpan warmUp, TimeSpan duration)
    {
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new LatencyHistogram();
        var pending = new List<Task>();
        long acknowledged = 0, failed = 0;
        Exception? firstFailure = null;
        for (long i = 0; ; i++)
        {
            var scheduled = start + (long)(i * interval);
            if (scheduled >= end) break;
            var wait = scheduled - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            var measured = scheduled >= measureFrom;
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await call(Random.Shared);
                    var latency = Stopwatch.GetTimestamp() - scheduled;
                    lock (latencies)
                    {
                        acknowledged++;
                        if (measured) latencies.Record(latency);
                    }
                }
                catch (Exception exception)
                {
                    lock (latencies)
                    {
                        failed++;
                        firstFailure ??= exception;
                    }
                }
            }));
        }
        await Task.WhenAll(pending);
        return new LoadResult(latencies, duration, acknowledged, failed, firstFailure);
    }
}
