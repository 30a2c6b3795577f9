using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Bench;

/// <summary>The SQLite and PostgreSQL runs of a storage suite, as <c>--only</c> and <c>--postgres</c> choose them.</summary>
public static class BenchDatabases
{
    /// <summary>
    /// Runs <paramref name="run"/> for SQLite, then PostgreSQL: the server <c>--postgres</c> names, or
    /// a throwaway durable one started for the purpose and removed afterwards.
    /// </summary>
    public static async Task ForEachAsync(BenchOptions options, Func<BenchStorage, StorageProviderKind, PostgresServer?, Task> run)
    {
        PostgresServer? throwaway = null;
        try
        {
            foreach (var storage in new[] { BenchStorage.Sqlite, BenchStorage.Postgres }.Where(options.Includes))
            {
                PostgresServer? server = null;
                if (storage == BenchStorage.Postgres)
                    server = options.PostgresConnectionString is { } given ? PostgresServer.Connect(given) : throwaway ??= await StartThrowawayAsync();
                await run(storage, storage == BenchStorage.Sqlite ? StorageProviderKind.Sqlite : StorageProviderKind.PostgreSql, server);
            }
        }
        finally
        {
            if (throwaway is not null) await throwaway.DisposeAsync();
        }
    }

    private static async Task<PostgresServer> StartThrowawayAsync()
    {
        Progress.Report("starting a throwaway PostgreSQL server with fsync on...");
        return await PostgresServer.StartThrowawayAsync(durable: true);
    }
}
