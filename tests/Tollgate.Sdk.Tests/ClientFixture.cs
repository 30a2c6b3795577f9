using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Client;

namespace Tollgate.Sdk.Tests;

/// <summary>A <see cref="TollgateClient"/> registered as an app registers it, answered by a <see cref="ScriptedHandler"/>.</summary>
public sealed class ClientFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public ClientFixture(ScriptedHandler tollgate, Action<TollgateClientOptions>? configure = null)
    {
        Handler = tollgate;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()); // as a host has it
        services.AddLogging(logging => logging.AddProvider(Logs));
        services.AddTollgateClient(options =>
        {
            options.BaseUrl = new Uri("http://tollgate.test/prefix");
            options.ApiKey = "tg_test";
            options.RetryDelay = TimeSpan.FromMilliseconds(5);
            configure?.Invoke(options);
        }).ConfigurePrimaryHttpMessageHandler(() => tollgate);
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<TollgateClient>();
    }

    public ScriptedHandler Handler { get; }
    public CapturedLogs Logs { get; } = new();
    public TollgateClient Client { get; }

    /// <summary>The delays the client waited before its retries, as it logged them.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays =>
        [.. Logs.Entries.Where(e => e.Values.ContainsKey("Delay")).Select(e => TimeSpan.FromMilliseconds((double)e.Values["Delay"]!))];

    public void Dispose() => _services.Dispose();
}
