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
        var versions = await Databases.QueryAsync(database, "SELECT version FROM tollgate_schema ORDER BY version");
        Assert.Equal(Enumerable.Range(1, database.Migrations.Length), versions.Select(Convert.ToInt32));
        var queryKeys = await Databases.QueryAsync(database, "SELECT QueryKey FROM OrleansQuery");
        Assert.Equal(database.OrleansQueries.Keys.Order(), queryKeys.Cast<string>().Order());
    }

    private static async Task MigrateOnceAsync(StorageTarget target)
    {
        // A database handle each, as separate silos would have.
        await using var database = SqlDatabase.Create(target.Options());
        await Databases.MigrateAsync(database);
    }
}
