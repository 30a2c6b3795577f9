using Microsoft.Extensions.Logging;

namespace Tollgate.Storage.Schema;

/// <summary>
/// Brings the database's schema up to date before Orleans' providers touch it: each migration runs
/// once, recorded in <c>tollgate_migrations</c>, and the statements of <c>OrleansQuery</c> are
/// written anew. All in one transaction, under a lock, so silos starting together migrate once.
/// </summary>
internal sealed class SchemaMigrator(SqlDatabase database, ILogger<SchemaMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginMigrationAsync(connection, cancellationToken);
        await RefuseRuntimeDatabaseAsync();
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS tollgate_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)");
        await using var read = SqlDatabase.Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM tollgate_migrations");
        var applied = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken));
        for (var version = applied + 1; version <= database.Migrations.Length; version++)
        {
            await ExecuteAsync(database.Migrations[version - 1]);
            await ExecuteAsync("INSERT INTO tollgate_migrations (version, applied_at) VALUES (@p1, @p2)", version, DateTimeOffset.UtcNow.ToString("O"));
            logger.LogInformation("Applied schema migration {Version}", version);
        }
        foreach (var (key, text) in database.OrleansQueries)
            await ExecuteAsync("INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@p1, @p2) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText",
                key, text);
        await transaction.CommitAsync(cancellationToken);

        // Tollgate before Orleans kept its data in tables of its own runtime (versioned in tollgate_schema);
        // nothing here reads them, and starting on such a database would look like data loss.
        async Task RefuseRuntimeDatabaseAsync()
        {
            await using var exists = SqlDatabase.Command(connection, transaction, database.TableExistsSql, "tollgate_schema");
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0)
                throw new InvalidOperationException(
                    "This database was written by a Tollgate from before Orleans (it has a tollgate_schema table). Moving its data "
                    + "to this version is not supported: start this version on a new database.");
        }

        async Task ExecuteAsync(string sql, params object?[] arguments)
        {
            await using var command = SqlDatabase.Command(connection, transaction, sql, arguments);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
