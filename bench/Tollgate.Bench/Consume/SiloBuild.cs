using System.Diagnostics;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench.Consume;

/// <summary>
/// A build of the silo the consume suite runs: this one (on Orleans), or the last build on
/// Tollgate's own runtime, built once from a git worktree of its commit so both run side by side.
/// </summary>
public sealed class SiloBuild
{
    public const string PreOrleansName = "pre-orleans";
    private const string PreOrleansCommit = "49f66c2";

    private readonly string _siloDll;
    private readonly bool _onOrleans;

    private SiloBuild(string name, string siloDll, bool onOrleans) => (Name, _siloDll, _onOrleans) = (name, siloDll, onOrleans);

    public string Name { get; }

    public static SiloBuild Current() => new("orleans", Path.Combine(AppContext.BaseDirectory, "Tollgate.Silo.dll"), onOrleans: true);

    /// <summary>Builds commit 49f66c2 in Release from a worktree under the system's temp directory, once.</summary>
    public static async Task<SiloBuild> PreOrleansAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"tollgate-{PreOrleansCommit}");
        var output = Path.Combine(root, "out");
        var dll = Path.Combine(output, "Tollgate.Silo.dll");
        if (!File.Exists(dll))
        {
            Progress.Report($"building the pre-Orleans silo ({PreOrleansCommit}) in {root}...");
            var repository = (await RunAsync("git", ["rev-parse", "--show-toplevel"], AppContext.BaseDirectory)).Trim();
            if (!Directory.Exists(Path.Combine(root, "src")))
            {
                await RunAsync("git", ["worktree", "prune"], repository);
                await RunAsync("git", ["worktree", "add", "--detach", Path.Combine(root, "src"), PreOrleansCommit], repository);
            }
            await RunAsync("dotnet", ["build", "-c", "Release", "Silo/Tollgate.Silo.csproj", "-o", output], Path.Combine(root, "src"));
        }
        return new SiloBuild(PreOrleansName, dll, onOrleans: false);
    }

    /// <summary>Starts the silo on the database with its operator settings; on Orleans with silo ports of its own.</summary>
    public Task<ServerProcess> StartAsync(StorageTarget database, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["Storage__Provider"] = database.Provider.ToString(),
            ["Storage__ConnectionString"] = database.ConnectionString,
            ["DOTNET_CONTENTROOT"] = Path.GetDirectoryName(_siloDll)!,
        };
        if (_onOrleans)
        {
            environment["Orleans__SiloPort"] = FreePorts.Next().ToString();
            environment["Orleans__GatewayPort"] = FreePorts.Next().ToString();
            environment["Orleans__ClusterId"] = environment["Orleans__ServiceId"] = database.Id;
            // The set-up registers and logs in 101 tenants from one address, past the default per-address limit.
            environment["RateLimits__Auth__PermitLimit"] = "0";
        }
        return ServerProcess.StartAsync(url => [_siloDll, "--urls", url], environment, "Now listening on");
    }

    private static async Task<string> RunAsync(string program, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(program, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new BenchFailedException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}{await errors}");
        return await output;
    }
}
