using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tollgate.Bench.Consume;

/// <summary>
/// HTTP load on a fixed set of keep-alive connections, one thread each, with requests serialized
/// up front; any answer but 200 counts as a failure. With several servers (silos of one cluster),
/// the connections are spread over them in turn.
/// </summary>
public sealed class HttpLoad(IReadOnlyList<Uri> servers, int connections)
{
    private const int ThreadStackSize = 256 * 1024;
    private readonly IPEndPoint[] _endPoints = servers.Select(server => new IPEndPoint(IPAddress.Parse(server.Host), server.Port)).ToArray();
    private readonly Uri _host = servers[0]; // the Host header requests carry; every silo answers to any

    public HttpLoad(Uri server, int connections) : this([server], connections)
    {
    }

    /// <summary>The server the i-th connection talks to.</summary>
    private IPEndPoint EndPoint(int connection) => _endPoints[connection % _endPoints.Length];

    /// <summary>A POST with a JSON body, serialized once: the generator sends the same bytes every time.</summary>
    public byte[] Post(string path, byte[] json, string? apiKey = null, string? idempotencyKey = null) => HttpConnection.Post(_host, path, json, apiKey, idempotencyKey);

    /// <summary>
    /// Closed loop: each connection sends its next request as soon as the previous one is answered,
    /// so concurrency is fixed and throughput is what the server sustains at that concurrency.
    /// With <paramref name="followUp"/>, each call is two requests on its connection: the request, then
    /// the one <paramref name="followUp"/> makes of its answer's body (a refund of the consume answered);
    /// it succeeds and is timed as one.
    /// </summary>
    public LoadResult RunClosedLoop(Func<Random, byte[]> request, TimeSpan warmUp, TimeSpan duration, Func<string, byte[]>? followUp = null)
    {
        var measureFrom = Stopwatch.GetTimestamp() + ToTicks(warmUp);
        var measureUntil = measureFrom + ToTicks(duration);
        var tallies = Enumerable.Range(0, connections).Select(_ => new Tally()).ToArray();
        var threads = tallies.Select((tally, seed) => new Thread(() =>
        {
            var random = new Random(seed);
            var endPoint = EndPoint(seed);
            var connection = tally.Connect(endPoint);
            while (connection is not null)
            {
                var sent = Stopwatch.GetTimestamp();
                var answered = tally.Exchange(ref connection, endPoint, request(random), sent, measureFrom, followUp);
                // A request counts towards throughput when its answer arrives inside the window.
                if (answered >= measureUntil) break;
            }
            connection?.Dispose();
        }, ThreadStackSize)
        { IsBackground = true, Name = "closed-loop connection" }).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        return Tally.Merge(tallies, duration);
    }

    /// <summary>
    /// Each request once, in order, on all connections at once: the result's window is the time the
    /// whole list took.
    /// </summary>
    public LoadResult RunAll(IReadOnlyList<byte[]> requests)
    {
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var tallies = Enumerable.Range(0, connections).Select(_ => new Tally()).ToArray();
        var threads = tallies.Select((tally, seed) => new Thread(() =>
        {
            var endPoint = EndPoint(seed);
            var connection = tally.Connect(endPoint);
            for (int i; connection is not null && (i = Interlocked.Increment(ref next)) < requests.Count;)
                tally.Exchange(ref connection, endPoint, requests[i], Stopwatch.GetTimestamp(), started);
            connection?.Dispose();
        }, ThreadStackSize)
        { IsBackground = true, Name = "list connection" }).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        return Tally.Merge(tallies, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Load at a fixed rate, in the manner of wrk2: requests are sent on a fixed schedule whether or
    /// not earlier ones have been answered, and latency counts from when a request was scheduled, not
    /// when it went out, so a stall that delays later requests shows in them too. A request due while
    /// every connection is busy waits for the first one free, its clock running.
    /// </summary>
    /// <remarks>
    /// One dedicated thread keeps the schedule and writes each request itself on an idle
    /// connection; that connection's thread, blocked reading, wakes for the answer. Timers are not
    /// precise enough for the schedule: a <see cref="Task.Delay(TimeSpan)"/> continuation waits in
    /// the thread pool's queue, and on two busy cores that made the generator send up to 50 ms late.
    /// The pacer sleeps until each send is due and never spins: spinning (it used to yield in a loop
    /// for the last millisecond, which at thousands of requests a second is always) burned one of the
    /// two cores the server needs. How late the generator really sent is measured and reported.
    /// </remarks>
    public LoadResult RunAtRate(Func<Random, byte[]> request, double perSecond, TimeSpan warmUp, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + ToTicks(warmUp);
        var end = measureFrom + ToTicks(duration);
        var interval = Stopwatch.Frequency / perSecond;
        var lateness = new LatencyHistogram();
        var run = new OpenLoop(measureFrom);
        var workers = Enumerable.Range(0, connections).Select(i => new OpenLoop.Connection(run, EndPoint(i))).ToArray();
        var threads = workers.Select(worker => new Thread(worker.ReceiveLoop, ThreadStackSize) { IsBackground = true, Name = "open-loop connection" }).ToList();
        threads.ForEach(thread => thread.Start());

        var pacer = new Thread(() =>
        {
            var random = new Random(0);
            for (long k = 0; ; k++)
            {
                var scheduled = start + (long)(k * interval);
                if (scheduled >= end) break;
                if (Stopwatch.GetTimestamp() is var now && now < scheduled) SleepFor(scheduled - now);
                if (scheduled >= measureFrom) lateness.Record(Stopwatch.GetTimestamp() - scheduled);
                run.Dispatch(scheduled, request(random));
            }
        }, ThreadStackSize)
        { IsBackground = true, Name = "rate pacer", Priority = ThreadPriority.Highest };
        pacer.Start();
        pacer.Join();

        run.WaitForAnswers(TimeSpan.FromSeconds(60));
        foreach (var worker in workers) worker.Close();
        threads.ForEach(thread => thread.Join());
        return Tally.Merge(workers.Select(w => w.Tally).Append(run.Unanswered), duration) with { SendLateness = lateness };
    }

    private static long ToTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    /// <summary>One connection's outcomes; only its own thread writes them, so recording takes no lock.</summary>
    private sealed class Tally
    {
        public readonly LatencyHistogram Latencies = new();
        public long Acknowledged, Failed;
        public Exception? FirstFailure;

        // The pacer may report a failed send while the connection's thread records.
        public void Fail(Exception exception)
        {
            lock (this)
            {
                Failed++;
                FirstFailure ??= exception;
            }
        }

        /// <summary>Records one answer, timed from <paramref name="since"/>; a failure does not stop the run.</summary>
        public void Record(int status, string? body, long since, long measureFrom, long answered)
        {
            if (status != 200)
            {
                Fail(new InvalidOperationException($"HTTP {status}: {body}"));
                return;
            }
            Acknowledged++;
            if (since >= measureFrom) Latencies.Record(answered - since);
        }

        public HttpConnection? Connect(IPEndPoint server)
        {
            try { return new HttpConnection(server); }
            catch (Exception exception) { Fail(exception); return null; }
        }

        /// <summary>Sends, waits for the answer and records it; a broken connection is replaced (null when that fails too).</summary>
        public long Exchange(ref HttpConnection? connection, IPEndPoint server, byte[] request, long since, long measureFrom,
            Func<string, byte[]>? followUp = null)
        {
            try
            {
                connection!.Send(request);
                var status = connection.ReceiveResponse(out var body, keepBody: followUp is not null);
                if (status == 200 && followUp is not null)
                {
                    connection.Send(followUp(body!));
                    status = connection.ReceiveResponse(out body);
                }
                var answered = Stopwatch.GetTimestamp();
                Record(status, body, since, measureFrom, answered);
                return answered;
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                Fail(exception);
                connection!.Dispose();
                connection = Connect(server);
                return Stopwatch.GetTimestamp();
            }
        }

        public static LoadResult Merge(IEnumerable<Tally> tallies, TimeSpan window)
        {
            var all = tallies.ToList();
            var latencies = new LatencyHistogram();
            foreach (var tally in all) latencies.Add(tally.Latencies);
            return new LoadResult(latencies, window, all.Sum(t => t.Acknowledged), all.Sum(t => t.Failed),
                all.Select(t => t.FirstFailure).FirstOrDefault(f => f is not null));
        }
    }

    /// <summary>The shared state of a fixed-rate run: idle connections, and requests waiting for one.</summary>
    private sealed class OpenLoop(long measureFrom)
    {
        private readonly Lock _gate = new();
        private readonly Stack<Connection> _idle = new();
        private readonly Queue<(long Scheduled, byte[] Request)> _backlog = new();
        private long _inFlight;
        private volatile bool _closing;

        public long MeasureFrom { get; } = measureFrom;

        /// <summary>Requests that never got an answer.</summary>
        public Tally Unanswered { get; } = new();

        /// <summary>Sends on an idle connection, or queues the request for the first connection that frees up.</summary>
        public void Dispatch(long scheduled, byte[] request)
        {
            Interlocked.Increment(ref _inFlight);
            Connection? idle;
            lock (_gate)
            {
                if (!_idle.TryPop(out idle))
                {
                    _backlog.Enqueue((scheduled, request));
                    return;
                }
            }
            idle.Send(scheduled, request);
        }

        public void WaitForAnswers(TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + ToTicks(timeout);
            while (Interlocked.Read(ref _inFlight) > 0 && Stopwatch.GetTimestamp() < deadline) Thread.Sleep(1);
            _closing = true;
            if (Interlocked.Read(ref _inFlight) is var missing and > 0)
            {
                Unanswered.Failed = missing;
                Unanswered.FirstFailure = new TimeoutException($"{missing:N0} requests had no answer {timeout.TotalSeconds:0} s after the last was due.");
            }
        }

        /// <summary>
        /// A connection is either idle (in the stack) or has exactly one request outstanding, which
        /// its own thread waits for. One that breaks is not used again; the run then fails.
        /// </summary>
        public sealed class Connection
        {
            private readonly OpenLoop _run;
            private readonly HttpConnection? _connection;
            private long _scheduled;
            private int _outstanding;

            public Connection(OpenLoop run, IPEndPoint server)
            {
                _run = run;
                _connection = Tally.Connect(server);
                if (_connection is not null) lock (run._gate) run._idle.Push(this);
            }

            public Tally Tally { get; } = new();

            /// <summary>Called by the pacer, or by this connection's own thread when a request waited for it.</summary>
            public void Send(long scheduled, byte[] request)
            {
                Volatile.Write(ref _scheduled, scheduled);
                Volatile.Write(ref _outstanding, 1);
                try { _connection!.Send(request); }
                catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
                {
                    Broke(exception);
                }
            }

            /// <summary>This connection's thread: wait for an answer, record it, take the next waiting request or go idle.</summary>
            public void ReceiveLoop()
            {
                while (_connection is { } connection)
                {
                    try
                    {
                        var status = connection.ReceiveResponse(out var body);
                        Tally.Record(status, body, Volatile.Read(ref _scheduled), _run.MeasureFrom, Stopwatch.GetTimestamp());
                    }
                    catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
                    {
                        if (!_run._closing) Broke(exception);
                        return;
                    }
                    Answered();
                    (long Scheduled, byte[] Request) next;
                    lock (_run._gate)
                    {
                        if (!_run._backlog.TryDequeue(out next))
                        {
                            _run._idle.Push(this);
                            continue;
                        }
                    }
                    Send(next.Scheduled, next.Request);
                }
            }

            private void Answered()
            {
                if (Interlocked.Exchange(ref _outstanding, 0) == 1) Interlocked.Decrement(ref _run._inFlight);
            }

            private void Broke(Exception exception)
            {
                Tally.Fail(exception);
                Answered(); // no answer will come: stop waiting for it
            }

            /// <summary>Ends the receive loop: a blocked read returns as if the server had closed.</summary>
            public void Close()
            {
                _connection?.Shutdown();
                _connection?.Dispose();
            }
        }
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
