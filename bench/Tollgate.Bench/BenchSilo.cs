using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Tollgate.Runtime;
using Tollgate.Runtime.Hosting;

namespace Tollgate.Bench;

/// <summary>
/// A silo built the way an application builds one: a generic host with AddGrainRuntime and
/// AddGrains. Unlike Tollgate.Testing.TestSilo it keeps the production timings, whose fast
/// reminder polling would otherwise query the database every 20 ms during the measurement.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchSilo> StartAsync(BenchDatabase database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Provider.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
        });
        // Warnings and errors only, and on stderr: stdout carries nothing but the result table.
        builder.Logging.AddFilter(level => level >= LogLevel.Warning)
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole();
        builder.Services.AddGrainRuntime(builder.Configuration).AddGrains(typeof(EchoGrain).Assembly);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>Stops gracefully: queued calls finish and pending writes commit before storage closes.</summary>
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
