using Microsoft.Data.Sqlite;
using Npgsql;
using Tollgate.Runtime.Storage;

namespace Tollgate.Bench;

/// <summary>
/// An empty database for one scenario, so its stored counters start at zero and their sum can be
/// checked against the acknowledged calls. Removed again on dispose.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _remove;

    private BenchDatabase(StorageProviderKind provider, string connectionString, Func<ValueTask> remove)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _remove = remove;
    }

    public StorageProviderKind Provider { get; }
    public string ConnectionString { get; }

    public static BenchDatabase Memory() => new(StorageProviderKind.Memory, "", () => ValueTask.CompletedTask);

    /// <summary>A file in a new temporary directory: on disk, so synchronous=FULL really waits for fsync.</summary>
    public static BenchDatabase Sqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"tollgate-bench-{Guid.NewGuid():N}");
        return new BenchDatabase(StorageProviderKind.Sqlite, $"Data Source={Path.Combine(directory, "bench.db")}", () =>
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            return ValueTask.CompletedTask;
        });
    }

    /// <param name="serverConnectionString">A connection to the server's maintenance database, allowed to create databases.</param>
    public static async Task<BenchDatabase> PostgresAsync(string serverConnectionString)
    {
        var name = $"tollgate_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ToString();
        return new BenchDatabase(StorageProviderKind.PostgreSql, connectionString, async () =>
        {
            // The silos closed their data sources; this drops idle connections the bench's own pool may hold.
            NpgsqlConnection.ClearAllPools();
            try
            {
                await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{name}\"");
            }
            catch (NpgsqlException exception)
            {
                // Leaving a database behind is untidy, not a reason to fail the run.
                Console.Error.WriteLine($"warning: could not drop database {name}: {exception.Message}");
            }
        });
    }

    public ValueTask DisposeAsync() => _remove();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
