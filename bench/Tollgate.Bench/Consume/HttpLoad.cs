using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

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
    /// Load at a fixed rate, in the manner of wrk2: requests are sent on a fixed schedule whether or
    /// not earlier ones have been answered, and latency counts from when a request was scheduled, not
    /// when it went out, so a stall that delays later requests shows in them too.
    /// </summary>
    /// <remarks>
    /// One dedicated thread keeps the schedule. Timers are not precise enough for it: a
    /// <see cref="Task.Delay(TimeSpan)"/> continuation waits in the thread pool's queue behind the
    /// responses being processed, and on two busy cores that made the generator itself send up to
    /// 50 ms late, which the scheduled-time rule then (rightly) charged to the server. The thread
    /// sleeps until each send is due and never spins: spinning (it used to yield in a loop for the
    /// last millisecond, which at thousands of requests a second is always) burned one of the two
    /// cores the server needs. How late the generator really sent is measured and reported beside
    /// the latencies.
    /// </remarks>
    public static async Task<LoadResult> RunAtRateAsync(Func<Random, Task> call, double perSecond, TimeSpan warmUp, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = Stopwatch.Frequency / perSecond;
        var latencies = new LatencyHistogram();
        var lateness = new LatencyHistogram();
        long acknowledged = 0, failed = 0;
        Exception? firstFailure = null;
        var inFlight = new List<Task>();
        var random = new Random(0);

        async Task SendAsync(long scheduled)
        {
            try
            {
                await call(random);
                var answered = Stopwatch.GetTimestamp();
                lock (latencies)
                {
                    acknowledged++;
                    if (scheduled >= measureFrom) latencies.Record(answered - scheduled);
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
        }

        var pacer = new Thread(() =>
        {
            for (long k = 0; ; k++)
            {
                var scheduled = start + (long)(k * interval);
                if (scheduled >= end) break;
                if (Stopwatch.GetTimestamp() is var now && now < scheduled) SleepFor(scheduled - now);
                if (scheduled >= measureFrom) lateness.Record(Stopwatch.GetTimestamp() - scheduled);
                inFlight.Add(SendAsync(scheduled));
            }
        }) { IsBackground = true, Name = "rate pacer", Priority = ThreadPriority.Highest };
        pacer.Start();
        await Task.Run(pacer.Join);
        await Task.WhenAll(inFlight);
        return new LoadResult(latencies, duration, acknowledged, failed, firstFailure) { SendLateness = lateness };
    }

    /// <summary>
    /// Sleeps for a span shorter than Thread.Sleep's millisecond: nanosleep wakes within tens of
    /// microseconds (the kernel's timer slack), where the millisecond grain would delay most sends.
    /// </summary>
    private static void SleepFor(long stopwatchTicks)
    {
        if (OperatingSystem.IsWindows())
        {
            Thread.Sleep(1);
            return;
        }
        var nanoseconds = (long)(stopwatchTicks * (1_000_000_000.0 / Stopwatch.Frequency));
        var request = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        nanosleep(ref request, IntPtr.Zero);
    }

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int nanosleep(ref Timespec request, IntPtr remaining);
}
