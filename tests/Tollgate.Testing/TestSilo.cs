using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime;
using Tollgate.Runtime.Core;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Storage;

namespace Tollgate.Testing;

/// <summary>
/// An in-process silo for tests, in the spirit of Orleans' TestCluster: start it on a storage
/// target, get grains from <see cref="GrainFactory"/>, stop it and start another on the same target.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host, StorageTarget storage)
    {
        _host = host;
        Storage = storage;
    }

    public StorageTarget Storage { get; }
    public IServiceProvider Services => _host.Services;
    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();
    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    /// <summary>Short timings so reminders and idle deactivation can be observed within a test.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastTimings = new Dictionary<string, string?>
    {
        ["Runtime:ReminderMinimumPeriod"] = "00:00:00.050",
        ["Runtime:ReminderPollInterval"] = "00:00:00.020",
        ["Runtime:IdleCollectionInterval"] = "00:00:00.050",
    };

    /// <summary>The runtime's defaults, for runs that measure rather than wait (benchmarks).</summary>
    public static readonly IReadOnlyDictionary<string, string?> ProductionTimings = new Dictionary<string, string?>
    {
        ["Runtime:ReminderMinimumPeriod"] = new GrainRuntimeOptions().ReminderMinimumPeriod.ToString("c"),
        ["Runtime:ReminderPollInterval"] = new GrainRuntimeOptions().ReminderPollInterval.ToString("c"),
        ["Runtime:IdleCollectionInterval"] = new GrainRuntimeOptions().IdleCollectionInterval.ToString("c"),
    };

    /// <param name="grainAssembly">The assembly whose grain classes the silo hosts.</param>
    /// <param name="settings">Configuration on top of <see cref="FastTimings"/>, e.g. Runtime:ResponseTimeout.</param>
    public static async Task<TestSilo> StartAsync(
        StorageTarget storage, Assembly grainAssembly,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(FastTimings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = storage.Provider.ToString(),
            ["Storage:ConnectionString"] = storage.ConnectionString,
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        // Warnings and errors only, on stderr, so a program's stdout stays its own.
        builder.Logging.AddFilter(level => level >= LogLevel.Warning)
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole();
        builder.Services.AddSingleton(storage.Memory);
        builder.Services.AddGrainRuntime(builder.Configuration).AddGrains(grainAssembly);
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, storage);
    }

    /// <summary>Stops the silo gracefully: queued calls finish and pending writes commit.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
