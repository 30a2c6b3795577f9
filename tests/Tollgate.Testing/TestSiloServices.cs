using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tollgate.Testing;

/// <summary>
/// Shortcuts for the real silo (Program) in the ASP.NET test host that change nothing it does, only what a start or a
/// stop costs; a test run starts a few hundred silos in one process.
/// </summary>
public static class TestSiloServices
{
    private static readonly Lock s_lock = new();
    private static object? s_dashboardAssets;

    /// <summary>
    /// The Orleans Dashboard reads and gzips its embedded assets (about 17 MB) whenever a silo starts: a second or more
    /// of CPU, most of a start. They never change, so every silo of the process shares the first silo's copy.
    /// </summary>
    public static IServiceCollection ShareDashboardAssets(this IServiceCollection services)
    {
        var assets = services.Single(d => d.ServiceType.FullName == "Orleans.Dashboard.EmbeddedAssetProvider");
        lock (s_lock) s_dashboardAssets ??= Activator.CreateInstance(assets.ServiceType, nonPublic: true)!;
        services[services.IndexOf(assets)] = ServiceDescriptor.Singleton(assets.ServiceType, s_dashboardAssets);
        return services;
    }

    /// <summary>
    /// Disposing the factory stops the host while Program's <c>app.Run</c> stops it too, so the silo is asked to stop
    /// twice at once; Orleans answers the second request by looking every second whether the first is done. Here the
    /// second request waits for the first one itself.
    /// </summary>
    public static IServiceCollection StopSiloOnce(this IServiceCollection services)
    {
        var silo = services.Single(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Orleans.Hosting.SiloHostedService");
        services[services.IndexOf(silo)] = ServiceDescriptor.Singleton<IHostedService>(provider =>
            new StoppedOnce((IHostedService)ActivatorUtilities.CreateInstance(provider, silo.ImplementationType!)));
        return services;
    }

    private sealed class StoppedOnce(IHostedService inner) : IHostedService
    {
        private readonly Lock _lock = new();
        private Task? _stopping;

        public Task StartAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken)
        {
            lock (_lock) return _stopping ??= inner.StopAsync(cancellationToken);
        }
    }
}
