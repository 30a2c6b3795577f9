namespace Tollgate.Runtime.Reminders;

/// <summary>A stored reminder. <see cref="Version"/> changes on every update, so claims are conditional.</summary>
public sealed record ReminderEntry(GrainId Grain, string Name, DateTimeOffset StartAt, TimeSpan Period, DateTimeOffset NextDue, long Version);

/// <summary>The durable reminder table, in the same database as grain state.</summary>
public interface IReminderTable
{
    /// <summary>Creates or replaces the reminder; its first tick is due at <paramref name="startAt"/>.</summary>
    Task<ReminderEntry> UpsertAsync(GrainId grain, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default);

    Task<bool> RemoveAsync(GrainId grain, string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grain, CancellationToken cancellationToken = default);

    /// <summary>Reminders whose next tick is due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the next tick to <paramref name="nextDue"/> if the entry is unchanged since it was read.
    /// Only the silo whose claim succeeds delivers the tick.
    /// </summary>
    Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, CancellationToken cancellationToken = default);
}
