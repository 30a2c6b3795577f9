using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// Removes expired state entries from storage every <see cref="GrainRuntimeOptions.ExpiredEntrySweepInterval"/>,
/// whichever grain kept them and whether or not it is still used, in short transactions of its own
/// beside the grains' writes. Every silo sweeps; removing what another silo removed finds nothing.
/// </summary>
internal sealed class ExpiredEntrySweeper(IGrainStorage storage, GrainRuntimeOptions options, TimeProvider timeProvider, ILogger<ExpiredEntrySweeper> logger)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(SweepLoopAsync);

    private async Task SweepLoopAsync()
    {
        using var timer = new PeriodicTimer(options.ExpiredEntrySweepInterval, timeProvider);
        while (await WaitAsync(timer))
        {
            try
            {
                await SweepAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Removing expired entries failed; retrying in {Interval}", options.ExpiredEntrySweepInterval);
            }
        }
    }

    /// <summary>Removes what has expired, a bounded transaction at a time until none is left.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        int last;
        do removed += last = await storage.RemoveExpiredEntriesAsync(now, cancellationToken);
        while (last == IGrainStorage.MaxExpiredRemoved);
        if (removed > 0) logger.LogDebug("Removed {Count} expired entries", removed);
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try { return await timer.WaitForNextTickAsync(_stopping.Token); }
        catch (OperationCanceledException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        await _loop;
    }
}
