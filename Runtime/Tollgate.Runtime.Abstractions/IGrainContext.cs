namespace Tollgate.Runtime;

/// <summary>What the runtime gives an activation: its identity and its ties to the runtime.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }
    IGrainFactory GrainFactory { get; }
    IServiceProvider Services { get; }
    TimeProvider TimeProvider { get; }

    /// <summary>Deactivates the activation once the current turn ends.</summary>
    void DeactivateOnIdle();

    Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period);
    Task UnregisterReminder(string reminderName);
    Task<IGrainReminder?> GetReminder(string reminderName);
    Task<IReadOnlyList<IGrainReminder>> GetReminders();
}

public enum DeactivationReason
{
    /// <summary>No call arrived for longer than the idle age.</summary>
    Idle,
    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,
    /// <summary>A state write conflicted; the next call reloads.</summary>
    InconsistentState,
    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}
