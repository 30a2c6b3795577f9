using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Storage.Hosting;

/// <summary>
/// Removes expired entries (idempotency answers) from storage every interval, whether or not their
/// grain is used again, in short transactions of their own.
/// </summary>
internal sealed class ExpiredEntrySweeper(
    SqlJournal journal, StorageOptions options, [FromKeyedServices(DomainClock.Key)] TimeProvider time, ILogger<ExpiredEntrySweeper> logger)
    : PeriodicService(options.ExpiredEntrySweepInterval, logger)
{
    protected override string Work => "Removing expired entries";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        int removed;
        do removed = await journal.RemoveExpiredEntriesAsync(time.GetUtcNow(), stoppingToken);
        while (removed == SqlJournal.MaxExpiredRemoved && !stoppingToken.IsCancellationRequested);
    }
}
