using Microsoft.Extensions.Logging;
using Tollgate.Storage.Hosting;

namespace Tollgate.Grains.Journal;

/// <summary>
/// Finds grains that committed a change but crashed (or lost their silo) before copying its records
/// into the journal, and wakes each so it copies its outbox. A grain's mark normally lives for the
/// milliseconds between its two steps; one older than the recovery interval was left behind. It runs
/// at start (after a crash, the restarted silo copies what it left) and then every interval.
/// </summary>
public sealed class OutboxRecovery(IJournalWriter journal, IGrainFactory grains, StorageOptions options, ILogger<OutboxRecovery> logger)
    : PeriodicService(options.OutboxRecoveryInterval, logger)
{
    private const int Batch = 100;

    protected override string Work => "Recovering journal outboxes";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var pending = await journal.ReadPendingAsync(DateTimeOffset.UtcNow - options.OutboxRecoveryInterval, Batch, stoppingToken);
        foreach (var grainId in pending) await grains.GetGrain<IJournaledGrain>(GrainId.Parse(grainId)).FlushJournal();
        if (pending.Count > 0) logger.LogInformation("Copied the journal outboxes of {Grains} grains left pending", pending.Count);
    }
}
