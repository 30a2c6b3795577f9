using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Tests;

/// <summary>Activation, persistence, deactivation and restarts.</summary>
public sealed class LifecycleTests : SiloTestBase
{
    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task A_thousand_concurrent_increments_end_at_exactly_a_thousand_and_survive_a_restart(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silo = await StartSiloAsync(storage);
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("hot");

        var results = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => counter.Increment()));

        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), results.Order()); // each call saw its own value
        Assert.Equal(1_000, await counter.Get());

        await silo.StopAsync();
        var restarted = await StartSiloAsync(storage);
        Assert.Equal(1_000, await restarted.GrainFactory.GetGrain<ICounterGrain>("hot").Get());
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task State_is_loaded_before_OnActivateAsync(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silo = await StartSiloAsync(storage);
        await silo.GrainFactory.GetGrain<ICounterGrain>("k").Increment();
        await silo.GrainFactory.GetGrain<ICounterGrain>("k").Increment();
        await silo.StopAsync();

        var restarted = await StartSiloAsync(storage);

        Assert.Equal(2, await restarted.GrainFactory.GetGrain<ICounterGrain>("k").ValueSeenOnActivation());
    }

    [Fact]
    public async Task An_idle_activation_is_deactivated_and_the_next_call_reloads_its_state()
    {
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:IdleDeactivationAge"] = "00:00:00.200" });
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("idle");
        await counter.Increment();
        var firstInstance = await counter.InstanceId();

        await Eventually(() => Task.FromResult(silo.Runtime.ActivationCount == 0), "the idle activation was never deactivated");

        Assert.Contains(("idle", DeactivationReason.Idle), Deactivations.Entries);
        Assert.NotEqual(firstInstance, await counter.InstanceId());
        Assert.Equal(1, await counter.ValueSeenOnActivation());
    }

    [Fact]
    public async Task A_busy_activation_is_not_deactivated_for_idleness()
    {
        var silo = await StartSiloAsync(settings: new Dictionary<string, string?> { ["Runtime:IdleDeactivationAge"] = "00:00:01" });
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("busy");
        var instance = await counter.InstanceId();

        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(100);
            await counter.Get();
        }

        Assert.Equal(instance, await counter.InstanceId());
        // A call longer than the idle age keeps the activation too.
        await counter.IncrementSlowly(2_000);
        Assert.Equal(instance, await counter.InstanceId());
    }

    [Fact]
    public async Task DeactivateOnIdle_ends_the_activation_after_the_current_turn()
    {
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("bye");
        await counter.Increment();
        var firstInstance = await counter.InstanceId();

        await counter.Deactivate();

        Assert.NotEqual(firstInstance, await counter.InstanceId());
        Assert.Contains(("bye", DeactivationReason.Requested), Deactivations.Entries);
        Assert.Equal(1, await counter.Get());
    }

    [Fact]
    public async Task Calls_queued_behind_a_deactivating_turn_go_to_the_next_activation()
    {
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("handover");

        var calls = new List<Task<long>>();
        for (var round = 0; round < 20; round++)
        {
            _ = counter.Deactivate();
            calls.Add(counter.Increment());
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await Task.WhenAll(calls));
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task Cleared_state_reads_as_new_after_a_restart(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silo = await StartSiloAsync(storage);
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("cleared");
        await counter.Increment();
        await counter.Clear();
        Assert.Equal(0, await counter.Get());
        await counter.Increment();
        await counter.Clear();
        await silo.StopAsync();

        var restarted = await StartSiloAsync(storage);
        Assert.Equal(0, await restarted.GrainFactory.GetGrain<ICounterGrain>("cleared").Get());
        Assert.Equal(1, await restarted.GrainFactory.GetGrain<ICounterGrain>("cleared").Increment());
    }

    [Fact]
    public async Task Stopping_is_idempotent_even_when_asked_concurrently()
    {
        var silo = await StartSiloAsync();
        await silo.GrainFactory.GetGrain<ICounterGrain>("once").Increment();
        var lifecycle = silo.Services.GetRequiredService<Tollgate.Runtime.Hosting.SiloLifecycle>();

        await Task.WhenAll(lifecycle.StopAsync(CancellationToken.None), lifecycle.StopAsync(CancellationToken.None));
        await silo.StopAsync(); // the host stops it once more

        await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.GrainFactory.GetGrain<ICounterGrain>("once").Get());
    }

    [Theory]
    [MemberData(nameof(SharedDatabaseProviders))]
    public async Task Stopping_a_silo_finishes_queued_calls_and_then_refuses_new_ones(StorageProviderKind provider)
    {
        var storage = await NewStorageAsync(provider);
        var silo = await StartSiloAsync(storage);
        var counters = Enumerable.Range(0, 50).Select(i => silo.GrainFactory.GetGrain<ICounterGrain>($"drain{i}")).ToList();
        var inFlight = counters.SelectMany(c => Enumerable.Range(0, 4).Select(_ => c.IncrementSlowly(20))).ToList();

        await silo.StopAsync();

        Assert.Equal(200, (await Task.WhenAll(inFlight)).Length); // every call queued before the stop succeeded
        await Assert.ThrowsAsync<SiloUnavailableException>(() => counters[0].Increment());
        var restarted = await StartSiloAsync(storage);
        foreach (var i in Enumerable.Range(0, 50))
            Assert.Equal(4, await restarted.GrainFactory.GetGrain<ICounterGrain>($"drain{i}").Get());
    }
}
