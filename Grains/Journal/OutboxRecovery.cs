using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Grains.Journal;

/// <summary>
/// Finds grains that committed a change but crashed (or lost their silo) before copying its records
/// into the journal, and wakes each so it copies its outbox. A grain's mark normally lives for the
/// milliseconds between its two steps; one older than <see cref="Settle"/> was left behind.
/// </summary>
public sealed class OutboxRecovery(IJournalWriter journal, IGrainFactory grains, StorageOptions options, ILogger<OutboxRecovery> logger)
    : BackgroundService
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.OutboxRecoveryInterval);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var pending = await journal.ReadPendingAsync(DateTimeOffset.UtcNow - Settle, Batch, stoppingToken);
                foreach (var grainId in pending) await grains.GetGrain<IJournaledGrain>(GrainId.Parse(grainId)).FlushJournal();
                if (pending.Count > 0) logger.LogInformation("Copied the journal outboxes of {Grains} grains left pending", pending.Count);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Recovering journal outboxes failed; trying again in {Interval}", options.OutboxRecoveryInterval);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
