namespace Tollgate.Runtime;

/// <summary>Runtime settings, bound from the <c>Runtime</c> configuration section.</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>An activation that received no call for this long is deactivated.</summary>
    public TimeSpan IdleDeactivationAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan IdleCollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A call that gets no answer in this time fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest reminder period a grain may register.</summary>
    public TimeSpan ReminderMinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the reminder table is polled for due reminders.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often expired state entries (a counter's idempotency answers) are removed from storage.</summary>
    public TimeSpan ExpiredEntrySweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping silo waits for queued calls and deactivations to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
