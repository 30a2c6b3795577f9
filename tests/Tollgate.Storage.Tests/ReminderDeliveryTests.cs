using Tollgate.Storage.Tests.Grains;

namespace Tollgate.Storage.Tests;

/// <summary>A reminder registered through a cluster is stored in the database's reminder table and delivered.</summary>
public sealed class ReminderDeliveryTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task A_registered_reminder_ticks(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using var cluster = await TestClusters.StartAsync(target);
        var grain = cluster.Client.GetGrain<ITickGrain>("a");

        await grain.StartAsync(TimeSpan.FromSeconds(1));

        await using var database = SqlDatabase.Create(target.Options());
        var table = provider == StorageProviderKind.Sqlite ? "reminders" : "OrleansRemindersTable";
        Assert.Equal(1, await Databases.CountAsync(database, $"SELECT count(*) FROM {table}"));
        await Eventually.HoldsAsync(async () => await grain.GetTicksAsync() >= 2, "two reminder ticks");
    }
}
