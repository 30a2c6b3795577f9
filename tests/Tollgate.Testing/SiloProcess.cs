using System.Diagnostics;
using System.Text;

namespace Tollgate.Testing;

/// <summary>
/// The real silo as its own process in a temporary working directory, restartable on the same data:
/// on SQLite there by default, or on whatever <paramref name="environment"/> configures. It runs the
/// Tollgate.Silo.dll beside the running assembly: the project that uses this references the Silo project.
/// </summary>
public sealed class SiloProcess(IReadOnlyDictionary<string, string>? environment = null) : IDisposable
{
    public const string OperatorEmail = "ops@tollgate.test";
    public const string OperatorPassword = "operator-password";

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-silo-").FullName;
    private readonly int _port = FreePorts.Next();
    private readonly int _siloPort = FreePorts.Next(), _gatewayPort = FreePorts.Next();
    private Process? _process;

    public StringBuilder Output { get; } = new();
    public Uri BaseAddress => new($"http://127.0.0.1:{_port}");
    public string WorkingDirectory => _workingDirectory;
    public Process Process => _process ?? throw new InvalidOperationException("Not started.");

    public async Task StartAsync()
    {
        var process = Launch();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Logged($"Now listening on: {BaseAddress.ToString().TrimEnd('/')}"))
        {
            if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException($"The silo did not start:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Starts a silo that should refuse to start, and returns its exit code once it has exited.</summary>
    public async Task<int> RefusedStartExitCodeAsync()
    {
        var process = Launch();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The silo did not exit:\n{Output}");
        }
        process.WaitForExit(); // and its output is read to the end
        return process.ExitCode;
    }

    private Process Launch()
    {
        lock (Output) Output.Clear(); // a restart waits for its own "listening" line
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Tollgate.Silo.dll"), "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CONTENTROOT"] = AppContext.BaseDirectory; // appsettings.json lives beside the dll
        start.Environment["XDG_DATA_HOME"] = _workingDirectory; // the default database's directory: this silo's own
        start.Environment["Admin__Email"] = OperatorEmail;
        start.Environment["Admin__Password"] = OperatorPassword;
        start.Environment["Orleans__SiloPort"] = _siloPort.ToString();
        start.Environment["Orleans__GatewayPort"] = _gatewayPort.ToString();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return process;
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

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        try { Directory.Delete(_workingDirectory, recursive: true); } catch (IOException) { }
    }
}
