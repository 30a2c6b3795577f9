using System.Text;
using Tollgate.Storage.Tests.Grains;

namespace Tollgate.Storage.Tests;

/// <summary>
/// Grain state goes through Orleans' ADO.NET storage into Tollgate's schema: a cluster started again
/// on the same database (the same service) reads it back, and it is stored as plain JSON.
/// </summary>
public sealed class StatePersistenceTests
{
    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task State_written_before_a_restart_is_read_after_it(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using (var cluster = await TestClusters.StartAsync(target))
        {
            await cluster.Client.GetGrain<INoteGrain>("a").SetAsync("first", Colour.Red);
            await cluster.Client.GetGrain<INoteGrain>("a").SetAsync("second", Colour.Green);
        }

        await using (var cluster = await TestClusters.StartAsync(target))
        {
            Assert.Equal("second", await cluster.Client.GetGrain<INoteGrain>("a").GetTextAsync());
            Assert.Null(await cluster.Client.GetGrain<INoteGrain>("never-written").GetTextAsync());
        }
    }

    [Theory]
    [InlineData(StorageProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.PostgreSql)]
    public async Task Stored_state_has_no_type_names_and_enums_by_name(StorageProviderKind provider)
    {
        await using var target = await StorageTarget.CreateAsync(provider);
        await using (var cluster = await TestClusters.StartAsync(target))
            await cluster.Client.GetGrain<INoteGrain>("a").SetAsync("hello", Colour.Green);

        await using var database = SqlDatabase.Create(target.Options());
        var payload = (byte[])(await Databases.QueryAsync(database, "SELECT PayloadBinary FROM OrleansStorage")).Single();
        var json = Encoding.UTF8.GetString(payload);
        Assert.DoesNotContain("$type", json);
        Assert.DoesNotContain(typeof(NoteState).Assembly.GetName().Name!, json);
        Assert.DoesNotContain(nameof(NoteState), json);
        Assert.Contains("\"colour\":\"Green\"", json);
    }
}
