using Tollgate.Storage;

namespace Tollgate.Testing;

/// <summary>
/// A fresh, empty database of one provider. The same target can back several silos in turn (a
/// restart) or at once (a cluster of silos on one PostgreSQL database).
/// </summary>
public sealed class StorageTarget : IAsyncDisposable
{
    private readonly Func<Task> _remove;

    private StorageTarget(StorageProviderKind provider, string connectionString, Func<Task>? remove = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _remove = remove ?? (() => Task.CompletedTask);
    }

    public StorageProviderKind Provider { get; }

    /// <summary>Names the target's cluster: silos started on it, together or in turn, form one service.</summary>
    public string Id { get; } = $"tollgate-test-{Guid.NewGuid():N}";
    public string ConnectionString { get; }

    /// <param name="server">For PostgreSQL: the server to create the database on (default: the shared test server).</param>
    public static async Task<StorageTarget> CreateAsync(StorageProviderKind provider, PostgresServer? server = null)
    {
        switch (provider)
        {
            case StorageProviderKind.Sqlite:
                // On disk, so synchronous=FULL really waits for fsync.
                var directory = Path.Combine(Path.GetTempPath(), $"tollgate-sqlite-{Guid.NewGuid():N}");
                return new StorageTarget(provider, $"Data Source={Path.Combine(directory, "tollgate.db")}", () =>
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
                    return Task.CompletedTask;
                });
            case StorageProviderKind.PostgreSql:
                server ??= await PostgresServer.GetSharedAsync();
                var connectionString = await server.CreateDatabaseAsync();
                var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
                return new StorageTarget(provider, connectionString, async () =>
                {
                    // Leaving a database behind is untidy, not a reason to fail.
                    try { await server.DropDatabaseAsync(database); } catch (Npgsql.NpgsqlException) { }
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
    }

    public async ValueTask DisposeAsync() => await _remove();

    public override string ToString() => Provider.ToString();
}
