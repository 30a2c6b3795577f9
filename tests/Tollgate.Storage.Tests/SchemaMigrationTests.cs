namespace Tollgate.Storage.Tests;

/// <summary>Every silo migrates the schema as it starts: several starting at once, or one starting again, migrate it once.</summary>
public sealed class SchemaMigrationTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Three_concurrent_starts_and_a_later_one_apply_each_migration_once(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => MigrateOnceAsync(target))));
        await MigrateOnceAsync(target);

        await using var database = SqlDatabase.Create(target.Options());
        var versions = await Databases.QueryAsync(database, "SELECT version FROM tollgate_migrations ORDER BY version");
        Assert.Equal(Enumerable.Range(1, database.Migrations.Length), versions.Select(Convert.ToInt32));
        var queryKeys = await Databases.QueryAsync(database, "SELECT QueryKey FROM OrleansQuery");
        Assert.Equal(database.OrleansQueries.Keys.Order(), queryKeys.Cast<string>().Order());
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_database_of_the_runtime_before_Orleans_is_refused_with_a_reason_and_left_as_it_was(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var database = SqlDatabase.Create(target.Options());
        await Databases.QueryAsync(database, "CREATE TABLE tollgate_schema (version integer PRIMARY KEY, applied_at text NOT NULL)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Databases.MigrateAsync(database));

        Assert.Contains("from before Orleans", refused.Message);
        Assert.Equal(0, await Databases.CountAsync(database, database.TableExistsSql, "tollgate_migrations"));
    }

    private static async Task MigrateOnceAsync(StorageTarget target)
    {
        // A database handle each, as separate silos would have.
        await using var database = SqlDatabase.Create(target.Options());
        await Databases.MigrateAsync(database);
    }
}
