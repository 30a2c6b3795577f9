using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Storage;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>Starts silos on fresh storage and cleans up after the test.</summary>
public abstract class SiloTestBase : IAsyncLifetime
{
    private readonly List<TestSilo> _silos = [];
    private readonly List<StorageTarget> _targets = [];

    public static TheoryData<StorageProviderKind> AllProviders => [StorageProviderKind.Memory, StorageProviderKind.Sqlite, StorageProviderKind.PostgreSql];
    public static TheoryData<StorageProviderKind> SharedDatabaseProviders => [StorageProviderKind.Sqlite, StorageProviderKind.PostgreSql];

    protected DeactivationLog Deactivations { get; } = new();
    protected ActivationSwitch ActivationSwitch { get; } = new();
    protected TickSink Ticks { get; } = new();

    protected async Task<StorageTarget> NewStorageAsync(StorageProviderKind provider)
    {
        var target = await StorageTarget.CreateAsync(provider);
        _targets.Add(target);
        return target;
    }

    protected async Task<TestSilo> StartSiloAsync(StorageTarget storage, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var silo = await TestSilo.StartAsync(storage, typeof(SiloTestBase).Assembly, settings, services =>
            services.AddSingleton(Deactivations).AddSingleton(ActivationSwitch).AddSingleton(Ticks));
        _silos.Add(silo);
        return silo;
    }

    protected async Task<TestSilo> StartSiloAsync(StorageProviderKind provider = StorageProviderKind.Memory, IReadOnlyDictionary<string, string?>? settings = null) =>
        await StartSiloAsync(await NewStorageAsync(provider), settings);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) await silo.DisposeAsync();
        foreach (var target in _targets) await target.DisposeAsync();
    }

    /// <summary>Polls until the condition holds; fails the test with the message after the timeout.</summary>
    protected static async Task Eventually(Func<Task<bool>> condition, string failureMessage, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failureMessage);
            await Task.Delay(20);
        }
    }
}
