using Microsoft.Extensions.Options;
using Tollgate.Storage;

namespace Tollgate.Silo.Hosting;

/// <summary>Says when the silo has started and when it has stopped, so an operator reading the log knows both.</summary>
internal sealed class SiloLifecycleLog(IHostApplicationLifetime lifetime, IOptions<StorageOptions> storage, ILogger<SiloLifecycleLog> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => logger.LogInformation("Silo started on {Storage} storage", storage.Value.Provider));
        lifetime.ApplicationStopped.Register(() => logger.LogInformation("Silo stopped"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
