using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Tollgate.Storage.Tests.Grains;
using Tollgate.Storage.Tests.Grains.Renamed;

namespace Tollgate.Storage.Tests;

/// <summary>Renaming or moving a state class leaves the rows stored under its old name readable.</summary>
public sealed class RenamedStateTests
{
    [Fact]
    public async Task A_row_written_as_one_class_is_read_as_the_renamed_class()
    {
        await using var target = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var cluster = await TestClusters.StartAsync(target);
        var grain = cluster.Client.GetGrain<INoteGrain>("a");
        await grain.SetAsync("hello", Colour.Green);

        // The silo's own grain storage, reading the grain's row as the new class would.
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var state = new GrainState<RenamedNoteState>(new RenamedNoteState());
        await storage.ReadStateAsync(NoteGrain.StateName, grain.GetGrainId(), state);

        Assert.True(state.RecordExists);
        var read = state.State;
        Assert.NotNull(read);
        Assert.Equal(("hello", Colour.Green, 5), (read.Text, read.Colour, read.Lengths["hello"]));
    }
}
