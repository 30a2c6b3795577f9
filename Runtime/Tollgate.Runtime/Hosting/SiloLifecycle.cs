using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Core;
using Tollgate.Runtime.Reminders;
using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Hosting;

/// <summary>
/// Starts the silo (schema, reminders, the expired-entry sweep) and stops it in order: no new
/// reminder ticks or sweeps, queued calls finish, activations deactivate, pending state writes
/// commit, then storage closes.
/// </summary>
public sealed class SiloLifecycle(
    GrainRuntime runtime,
    IStorageProvider storage,
    IOptions<GrainRuntimeOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SiloLifecycle>();
    private PeriodicWork? _reminders, _sweep;

    /// <summary>True between a completed start and the beginning of shutdown.</summary>
    public bool IsRunning { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.InitializeAsync(cancellationToken);
        var reminderLog = loggerFactory.CreateLogger<ReminderService>();
        var reminders = new ReminderService(runtime, storage.Reminders, timeProvider, reminderLog);
        _reminders = new PeriodicWork("Reading due reminders", options.Value.ReminderPollInterval, reminders.DeliverDueAsync, timeProvider, reminderLog);
        var sweepLog = loggerFactory.CreateLogger<ExpiredEntrySweeper>();
        var sweeper = new ExpiredEntrySweeper(storage.GrainStorage, timeProvider, sweepLog);
        _sweep = new PeriodicWork("Removing expired entries", options.Value.ExpiredEntrySweepInterval, sweeper.SweepAsync, timeProvider, sweepLog);
        IsRunning = true;
        _logger.LogInformation("Silo started on {Storage} storage with {GrainTypes} grain types",
            storage.Name, runtime.Types.Classes.Count());
    }

    private readonly Lock _stopGate = new();
    private Task? _stopped;

    /// <summary>Idempotent: hosts may call it more than once, even concurrently; every caller awaits the one stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate) return _stopped ??= StopOnceAsync(cancellationToken);
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        IsRunning = false;
        if (_reminders is not null) await _reminders.DisposeAsync();
        if (_sweep is not null) await _sweep.DisposeAsync();
        var activations = runtime.ActivationCount;
        var drained = await runtime.StopAsync(cancellationToken);
        await storage.DisposeAsync();
        _logger.LogInformation("Silo stopped: {Activations} activations deactivated, drained: {Drained}", activations, drained);
    }
}
