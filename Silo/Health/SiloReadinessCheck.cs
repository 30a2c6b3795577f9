using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tollgate.Storage;

namespace Tollgate.Silo.Health;

/// <summary>Ready when the silo has started, is not stopping, and its database answers.</summary>
internal sealed class SiloReadinessCheck(IHostApplicationLifetime lifetime, IStorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            return HealthCheckResult.Unhealthy("The silo is starting or stopping.");
        try
        {
            await storage.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy("Storage answers.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("Storage does not answer.", exception);
        }
    }
}
