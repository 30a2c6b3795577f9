using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Tests;

/// <summary>
/// Two runtime instances on one database, each activating the same grain: the optimistic version
/// check, not the runtime, keeps acknowledged writes safe.
/// </summary>
public sealed class TwoRuntimeTests : SiloTestBase
{
    [Theory, MemberData(nameof(SharedDatabaseProviders))]
    public async Task Two_activations_cannot_both_commit_a_write_from_the_same_version(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var siloA = await StartSiloAsync(storage);
        var siloB = await StartSiloAsync(storage);
        var onA = siloA.GrainFactory.GetGrain<ICounterGrain>("contended");
        var onB = siloB.GrainFactory.GetGrain<ICounterGrain>("contended");
        Assert.Equal(0, await onA.Get()); // both activations have read version "none"
        Assert.Equal(0, await onB.Get());

        Assert.Equal(1, await onA.Increment());
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(onB.Increment);
        Assert.Contains("counter/contended/counter", conflict.Message);

        // The loser deactivated; its next call reloads the committed state and builds on it.
        Assert.Equal(2, await onB.Increment());
        Assert.Equal(2, await onB.Get());
    }

    [Theory, MemberData(nameof(SharedDatabaseProviders))]
    public async Task Under_contention_every_acknowledged_increment_is_stored_exactly_once(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silos = new[] { await StartSiloAsync(storage), await StartSiloAsync(storage) };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            try
            {
                await silos[i % 2].GrainFactory.GetGrain<ICounterGrain>("contended").Increment();
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        var acknowledged = outcomes.Count(ok => ok);
        Assert.True(acknowledged < 400, "the two activations should have collided at least once");
        foreach (var silo in silos) await silo.StopAsync();
        var reader = await StartSiloAsync(storage);
        Assert.Equal(acknowledged, await reader.GrainFactory.GetGrain<ICounterGrain>("contended").Get());
    }
}
