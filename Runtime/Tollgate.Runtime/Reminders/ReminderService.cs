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

    internal async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var due = await table.ReadDueAsync(now, BatchSize, cancellationToken);
        var deliveries = new List<Task>(due.Count);
        foreach (var entry in due)
        {
            if (runtime.Types.FindClass(entry.Grain.Type) is null) continue; // a grain type this silo does not host
            var status = TickFor(entry, now);
            if (!await table.TryAdvanceAsync(entry, status.DueTime + entry.Period * status.TicksCovered, cancellationToken))
                continue; // another silo claimed it, or the grain changed the reminder meanwhile
            deliveries.Add(DeliverAsync(entry, status));
        }
        await Task.WhenAll(deliveries);
    }

    internal static TickStatus TickFor(ReminderEntry entry, DateTimeOffset now)
    {
        var missed = entry.Period > TimeSpan.Zero ? (now - entry.NextDue).Ticks / entry.Period.Ticks : 0;
        return new TickStatus(entry.StartAt, entry.Period, now, entry.NextDue, Math.Max(0, missed));
    }

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
