namespace Tollgate.Runtime;

/// <summary>
/// Base class of every grain. The runtime creates grains; the context is handed over while the
/// constructor runs, so grain classes only declare the services and states they need.
/// </summary>
public abstract class Grain
{
    [ThreadStatic] private static IGrainContext? t_constructing;

    private readonly IGrainContext _context;

    protected Grain()
    {
        _context = t_constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime; get one from IGrainFactory.GetGrain.");
    }

    internal static T Construct<T>(IGrainContext context, Func<T> create)
    {
        var previous = t_constructing;
        t_constructing = context;
        try { return create(); }
        finally { t_constructing = previous; }
    }

    public GrainId GrainId => _context.GrainId;

    public string GetPrimaryKeyString() => _context.GrainId.Key;

    protected IGrainFactory GrainFactory => _context.GrainFactory;

    protected IServiceProvider ServiceProvider => _context.Services;

    protected TimeProvider TimeProvider => _context.TimeProvider;

    /// <summary>Runs after the persistent states are loaded and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs as the last turn of the activation. Exceptions are logged and swallowed.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    protected void DeactivateOnIdle() => _context.DeactivateOnIdle();

    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
        => _context.RegisterOrUpdateReminder(reminderName, dueTime, period);

    protected Task UnregisterReminder(IGrainReminder reminder) => _context.UnregisterReminder(reminder.ReminderName);

    protected Task UnregisterReminder(string reminderName) => _context.UnregisterReminder(reminderName);

    protected Task<IGrainReminder?> GetReminder(string reminderName) => _context.GetReminder(reminderName);

    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => _context.GetReminders();
}
