using Tollgate.Runtime.Storage;

namespace Tollgate.Testing;

/// <summary>
/// A fresh, empty database of one provider. The same target can back several silos in turn (a
/// restart) or at once (two runtime instances on one PostgreSQL database).
/// </summary>
public sealed class StorageTarget : IAsyncDisposable
{
    private readonly string? _sqliteDirectory;

    private StorageTarget(StorageProviderKind provider, string connectionString, string? sqliteDirectory = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteDirectory = sqliteDirectory;
    }

    public StorageProviderKind Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The in-memory provider's data, shared by every silo on this target.</summary>
    public MemoryDatabase Memory { get; } = new();

    public static async Task<StorageTarget> CreateAsync(StorageProviderKind provider)
    {
        switch (provider)
        {
            case StorageProviderKind.Memory:
                return new StorageTarget(provider, "");
            case StorageProviderKind.Sqlite:
                var directory = Path.Combine(Path.GetTempPath(), $"tollgate-sqlite-{Guid.NewGuid():N}");
                return new StorageTarget(provider, $"Data Source={Path.Combine(directory, "tollgate.db")}", directory);
            case StorageProviderKind.PostgreSql:
                var server = await PostgresServer.GetSharedAsync();
                return new StorageTarget(provider, await server.CreateDatabaseAsync());
            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDirectory, recursive: true); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }

    public override string ToString() => Provider.ToString();
}
