using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Silo.Tests;

/// <summary>The real silo as its own process on SQLite in a temporary working directory, restartable on the same data.</summary>
public sealed class SiloProcess : IDisposable
{
    public const string OperatorEmail = "ops@tollgate.test";
    public const string OperatorPassword = "operator-password";

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-silo-").FullName;
    private readonly int _port = FreePort();
    private Process? _process;

    public StringBuilder Output { get; } = new();
    public Uri BaseAddress => new($"http://127.0.0.1:{_port}");
    public string WorkingDirectory => _workingDirectory;
    public Process Process => _process ?? throw new InvalidOperationException("Not started.");

    public async Task StartAsync()
    {
        lock (Output) Output.Clear(); // a restart waits for its own "listening" line
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Tollgate.Silo.dll"), "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CONTENTROOT"] = AppContext.BaseDirectory; // appsettings.json lives beside the dll
        start.Environment["Admin__Email"] = OperatorEmail;
        start.Environment["Admin__Password"] = OperatorPassword;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Logged($"Now listening on: {BaseAddress.ToString().TrimEnd('/')}"))
        {
            if (process.HasExited || DateTime.UtcNow > deadline) Assert.Fail($"The silo did not start:\n{Output}");
            await Task.Delay(100);
        }
    }

    public bool Logged(string text)
    {
        lock (Output) return Output.ToString().Contains(text);
    }

    public void Kill()
    {
        Process.Kill(); // SIGKILL: no shutdown, no flush
        Process.WaitForExit();
    }

    public async Task TerminateAsync()
    {
        using (Process.Start("kill", ["-TERM", Process.Id.ToString()])) { }
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Process.WaitForExitAsync(exited.Token);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        try { Directory.Delete(_workingDirectory, recursive: true); } catch (IOException) { }
    }
}
