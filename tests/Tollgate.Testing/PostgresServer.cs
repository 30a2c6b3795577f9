using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Tollgate.Testing;

/// <summary>
/// A PostgreSQL server for tests and benchmarks. Uses the one named by the environment variable
/// <c>TOLLGATE_TEST_POSTGRES</c> (a connection string; .ci/run sets it), otherwise starts a
/// throwaway cluster on 127.0.0.1 from the machine's PostgreSQL binaries and removes it at exit.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "TOLLGATE_TEST_POSTGRES";

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static PostgresServer? s_shared;

    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private readonly string? _root;

    private PostgresServer(string connectionString, string? dataDirectory = null, string? binDirectory = null, string? root = null)
    {
        ConnectionString = connectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _root = root;
    }

    /// <summary>Connection string to the server's maintenance database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server every test in the process shares.</summary>
    public static async Task<PostgresServer> GetSharedAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_shared is null)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
                s_shared = string.IsNullOrWhiteSpace(fromEnvironment)
                    ? await StartThrowawayAsync(durable: false)
                    : Connect(fromEnvironment);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => s_shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return s_shared;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>A server someone else runs, given by a connection string to its maintenance database.</summary>
    public static PostgresServer Connect(string connectionString) => new(connectionString);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "tollgate_test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await command.ExecuteNonQueryAsync();
                break;
            }
            // Two CREATE DATABASE at once (test processes run in parallel) may find template1 busy.
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(50 * attempt);
            }
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    /// <summary>
    /// Starts a new cluster in a temporary directory. <paramref name="durable"/> keeps fsync on (for
    /// benchmarks); tests turn it off because they never crash the database itself.
    /// </summary>
    public static async Task<PostgresServer> StartThrowawayAsync(bool durable)
    {
        var bin = FindBinDirectory();
        RemoveAbandonedClusters();
        // {root}/owner.pid names the process that owns the cluster; the cluster itself is {root}/data.
        var root = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString());
        var dataDirectory = Path.Combine(root, "data");
        Directory.CreateDirectory(dataDirectory);
        var asPostgres = Environment.UserName == "root"; // initdb refuses to run as root
        if (asPostgres) await RunAsync("chown", ["postgres:postgres", root, dataDirectory]);
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], asPostgres);
        var port = FreePort();
        string[] settings =
        [
            "-c", "listen_addresses=127.0.0.1", "-c", $"port={port}", "-c", $"unix_socket_directories={dataDirectory}",
            "-c", "max_connections=200", "-c", "shared_buffers=128MB",
            .. durable ? (string[])["-c", $"min_wal_size={PreallocatedWalSegments * 16}MB", "-c", "max_wal_size=4GB"] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        ];
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "-o", string.Join(' ', settings), "start"], asPostgres);
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100";
        var server = new PostgresServer(connectionString, dataDirectory, bin, root);
        if (durable) await server.PreallocateWalAsync();
        return server;
    }

    private const int PreallocatedWalSegments = 96;

    /// <summary>
    /// Gives a fresh cluster the WAL files a server that has been running has. A new cluster creates
    /// and zero-fills each 16 MB WAL segment the first time it reaches it, and every commit waits
    /// meanwhile: about 50 ms on this machine, every second or two under load. A running server
    /// reuses the segments its checkpoints recycled. Switching through segments and checkpointing
    /// leaves them recycled, and min_wal_size keeps them.
    /// </summary>
    private async Task PreallocateWalAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < PreallocatedWalSegments; i++)
        {
            // pg_switch_wal does nothing unless WAL was written since the last switch.
            await using var step = new NpgsqlCommand("SELECT pg_logical_emit_message(false, 'tollgate', 'warm-up'); SELECT pg_switch_wal()", connection);
            await step.ExecuteNonQueryAsync();
        }
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null || !Directory.Exists(_dataDirectory)) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }
        finally
        {
            try { Directory.Delete(_root!, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private const string DirectoryPrefix = "tollgate-pg-";

    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// Test hosts are often killed (with their servers) before exit handlers run, leaving cluster
    /// directories behind. One is abandoned when neither its owning process nor its server runs
    /// (a cluster still being created has a live owner, so it is left alone).
    /// </summary>
    private static void RemoveAbandonedClusters()
    {
        static bool Alive(string pidFile) =>
            File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && Directory.Exists($"/proc/{pid}");

        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (Alive(Path.Combine(root, OwnerFile)) || Alive(Path.Combine(root, "data", "postmaster.pid"))) continue;
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string FindBinDirectory()
    {
        IEnumerable<string> candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                $"PostgreSQL tests need a server: set {EnvironmentVariable} to a connection string, or install the PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. arguments])
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await error}{await output}");
    }
}
