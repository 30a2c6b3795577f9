using System.Diagnostics;
using System.Net;
using System.Text;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>The silo as a newcomer runs it: its own process, default SQLite storage, stopped by SIGTERM.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-silo-").FullName;
    private readonly string _dataHome = Directory.CreateTempSubdirectory("tollgate-data-").FullName;

    [Fact]
    public async Task The_silo_starts_on_sqlite_in_local_application_data_logs_its_address_and_stops_cleanly_on_SIGTERM()
    {
        var port = FreePorts.Next();

        for (var run = 1; run <= 2; run++) // the second run starts on the first run's database
        {
            using var silo = StartSilo(port, out var output);
            await WaitForAsync(() => output.ToString().Contains($"Now listening on: http://127.0.0.1:{port}"), output, silo);

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            // In the user's local application data ($XDG_DATA_HOME here), not under the working directory or the content root.
            Assert.True(File.Exists(Path.Combine(_dataHome, "tollgate", "tollgate.db")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(_workingDirectory));

            using (Process.Start("kill", ["-TERM", silo.Id.ToString()])) { }
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await silo.WaitForExitAsync(exited.Token);

            Assert.Equal(0, silo.ExitCode);
            Assert.Contains("Silo stopped", output.ToString());
            Assert.DoesNotContain("fail:", output.ToString());
        }
    }

    private Process StartSilo(int port, out StringBuilder output)
    {
        var siloDll = Path.Combine(AppContext.BaseDirectory, "Tollgate.Silo.dll");
        var start = new ProcessStartInfo("dotnet", [siloDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CONTENTROOT"] = AppContext.BaseDirectory; // appsettings.json lives beside the dll
        start.Environment["XDG_DATA_HOME"] = _dataHome;
        start.Environment["Orleans__SiloPort"] = FreePorts.Next().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePorts.Next().ToString();
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static async Task WaitForAsync(Func<bool> condition, StringBuilder output, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (process.HasExited || DateTime.UtcNow > deadline) Assert.Fail($"The silo did not start:\n{output}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_workingDirectory, recursive: true); } catch (IOException) { }
        try { Directory.Delete(_dataHome, recursive: true); } catch (IOException) { }
    }
}
