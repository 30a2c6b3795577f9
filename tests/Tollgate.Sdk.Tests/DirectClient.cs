using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Client;

namespace Tollgate.Sdk.Tests;

/// <summary>A <see cref="TollgateClient"/> straight to a real Tollgate, as an app registers it, with a harness tenant's key.</summary>
public sealed class DirectClient : IDisposable
{
    private readonly ServiceProvider _services;

    public DirectClient(Uri tollgate, HarnessTenant tenant, Action<TollgateClientOptions>? configure = null)
        : this(tollgate, tenant.ApiKey, configure)
    {
    }

    /// <summary>A client holding <paramref name="apiKey"/>: a tenant's key, or a platform key.</summary>
    public DirectClient(Uri tollgate, string apiKey, Action<TollgateClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging(logging => logging.AddProvider(Logs));
        services.AddTollgateClient(options =>
        {
            options.BaseUrl = tollgate;
            options.ApiKey = apiKey;
            configure?.Invoke(options);
        });
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<TollgateClient>();
    }

    public TollgateClient Client { get; }
    public CapturedLogs Logs { get; } = new();

    public void Dispose() => _services.Dispose();
}
