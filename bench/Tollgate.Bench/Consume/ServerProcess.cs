using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Bench.Consume;

/// <summary>A server under test, in its own process on a free loopback port.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-bench-server-").FullName;

    private ServerProcess(string[] command, IReadOnlyDictionary<string, string> environment, int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", command) { WorkingDirectory = _workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in AllocationProbe.Environment(AllocationSocket)) start.Environment[name] = value;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    private string AllocationSocket => Path.Combine(_workingDirectory, "allocations.sock");

    /// <summary>The bytes the server's process has allocated so far (<see cref="AllocationProbe"/>).</summary>
    public long? AllocatedBytes => AllocationProbe.Read(AllocationSocket);

    /// <summary>The CPU time the server's process has used so far, user and kernel.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(Func<string, string[]> command, IReadOnlyDictionary<string, string> environment, string readyLine)
    {
        var port = FreePort();
        var server = new ServerProcess(command($"http://127.0.0.1:{port}"), environment, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            lock (server._output) if (server._output.ToString().Contains(readyLine)) return server;
            if (server._process.HasExited || DateTime.UtcNow > deadline)
                throw new BenchFailedException($"The server did not start:\n{server._output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops with SIGTERM, as an orchestrator would, and waits for a clean exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (Process.Start("kill", ["-TERM", _process.Id.ToString()])) { }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
        try { Directory.Delete(_workingDirectory, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
