using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Storage.Hosting;

/// <summary>
/// Background work that runs at start and then every interval until the host stops. A failed run is
/// logged and tried again at the next tick.
/// </summary>
public abstract class PeriodicService(TimeSpan interval, ILogger logger) : BackgroundService
{
    /// <summary>What the work is, for the log: "Removing expired entries".</summary>
    protected abstract string Work { get; }

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "{Work} failed; trying again in {Interval}", Work, interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
