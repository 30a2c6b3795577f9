using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Hosting;

/// <summary>Ready when the silo has started and its database answers.</summary>
internal sealed class StorageHealthCheck(SiloLifecycle silo, IStorageProvider storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!silo.IsRunning) return HealthCheckResult.Unhealthy("The silo is starting or stopping.");
        try
        {
            await storage.CheckHealthAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{storage.Name} storage answers.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.Name} storage does not answer.", exception);
        }
    }
}
