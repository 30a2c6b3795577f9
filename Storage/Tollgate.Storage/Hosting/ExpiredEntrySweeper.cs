using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Storage.Hosting;

/// <summary>
/// Removes expired entries (idempotency answers) from storage every interval, whether or not their
/// grain is used again, in short transactions of their own. A failure is logged and tried next time.
/// </summary>
internal sealed class ExpiredEntrySweeper(IJournalWriter journal, StorageOptions options, [FromKeyedServices(DomainClock.Key)] TimeProvider time, ILogger<ExpiredEntrySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ExpiredEntrySweepInterval);
        do
        {
            try
            {
                int removed;
                do removed = await journal.RemoveExpiredEntriesAsync(time.GetUtcNow(), stoppingToken);
                while (removed == SqlJournal.MaxExpiredRemoved && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Removing expired entries failed; trying again in {Interval}", options.ExpiredEntrySweepInterval);
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
