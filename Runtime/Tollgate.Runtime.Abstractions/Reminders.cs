namespace Tollgate.Runtime;

/// <summary>Implemented by grains that register reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Delivered as a normal turn.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

public interface IGrainReminder
{
    string ReminderName { get; }
}

/// <summary>
/// Describes one delivery of a reminder. Normally it covers one scheduled tick. After downtime a
/// single catch-up delivery covers every tick that was missed: the ticks scheduled at
/// <see cref="DueTime"/> + i * <see cref="Period"/> for i = 0 .. <see cref="MissedTicks"/>.
/// </summary>
/// <param name="FirstTickTime">When the reminder was first due.</param>
/// <param name="Period">The reminder's period.</param>
/// <param name="CurrentTickTime">When this delivery was made.</param>
/// <param name="DueTime">The earliest scheduled tick this delivery covers.</param>
/// <param name="MissedTicks">How many further scheduled ticks it covers because they were missed.</param>
public readonly record struct TickStatus(
    DateTimeOffset FirstTickTime,
    TimeSpan Period,
    DateTimeOffset CurrentTickTime,
    DateTimeOffset DueTime,
    long MissedTicks)
{
    /// <summary>The number of scheduled ticks this delivery stands for (at least one).</summary>
    public long TicksCovered => MissedTicks + 1;
}
