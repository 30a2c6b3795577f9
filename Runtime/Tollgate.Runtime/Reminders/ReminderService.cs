using Microsoft.Extensions.Logging;
using Tollgate.Runtime.Core;

namespace Tollgate.Runtime.Reminders;

/// <summary>
/// Polls the reminder table and delivers due ticks. Each tick is claimed first with a conditional
/// update, so two silos on one database never both deliver it. After downtime one delivery covers
/// every missed tick (see <see cref="TickStatus.MissedTicks"/>) and the schedule moves to the next
/// boundary in the future. The silo polls every <see cref="GrainRuntimeOptions.ReminderPollInterval"/>.
/// </summary>
internal sealed class ReminderService(GrainRuntime runtime, IReminderTable table, TimeProvider timeProvider, ILogger<ReminderService> logger)
{
    private const int BatchSize = 500;

    /// <summary>
    /// Claims made at once. On SQLite the claims queued together ride in the batch writer's next
    /// transaction, so a poll with hundreds due takes a few commits instead of one each; on
    /// PostgreSQL as many transactions commit side by side and share WAL flushes, while most of
    /// the connection pool stays free for the grains' writes.
    /// </summary>
    private const int ClaimsInFlight = 32;

    internal async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var due = (await table.ReadDueAsync(now, BatchSize, cancellationToken))
            .Where(entry => runtime.Types.FindClass(entry.Grain.Type) is not null) // else a grain type this silo does not host
            .Select(entry => (Entry: entry, Status: TickFor(entry, now)))
            .ToList();
        var claimed = await ClaimAsync(table, due.Select(tick => (tick.Entry, NextDue(tick.Entry, tick.Status))).ToList(), logger, cancellationToken);
        await Task.WhenAll(due.Where((_, index) => claimed[index]).Select(tick => DeliverAsync(tick.Entry, tick.Status)));
    }

    /// <summary>
    /// Moves each tick's reminder to its next due time if no one changed it since it was read, and
    /// says which claims won. A claim that fails is not delivered (unless its update did commit, the
    /// tick is still due at the next poll). Never throws, so every claim won is delivered even when
    /// another failed.
    /// </summary>
    internal static async Task<bool[]> ClaimAsync(
        IReminderTable table, IReadOnlyList<(ReminderEntry Entry, DateTimeOffset NextDue)> ticks, ILogger logger, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(ClaimsInFlight);
        return await Task.WhenAll(ticks.Select(async tick =>
        {
            await slots.WaitAsync(CancellationToken.None);
            try
            {
                return await table.TryAdvanceAsync(tick.Entry, tick.NextDue, cancellationToken);
            }
            catch (Exception exception)
            {
                if (!cancellationToken.IsCancellationRequested)
                    logger.LogWarning(exception, "Claiming reminder {Reminder} of {GrainId} failed; it stays due", tick.Entry.Name, tick.Entry.Grain);
                return false;
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    internal static TickStatus TickFor(ReminderEntry entry, DateTimeOffset now)
    {
        var missed = entry.Period > TimeSpan.Zero ? (now - entry.NextDue).Ticks / entry.Period.Ticks : 0;
        return new TickStatus(entry.StartAt, entry.Period, now, entry.NextDue, Math.Max(0, missed));
    }

    /// <summary>Where a delivered tick moves its reminder: the first boundary after every one the tick covers.</summary>
    internal static DateTimeOffset NextDue(ReminderEntry entry, TickStatus status) => status.DueTime + entry.Period * status.TicksCovered;

    private async Task DeliverAsync(ReminderEntry entry, TickStatus status)
    {
        try
        {
            await runtime.DeliverReminderAsync(entry.Grain, entry.Name, status);
        }
        catch (Exception exception)
        {
            // As in Orleans: a failed tick is not retried; the next one comes on schedule.
            logger.LogWarning(exception, "Reminder {Reminder} of {GrainId} failed", entry.Name, entry.Grain);
        }
    }
}
