using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Hosting;

/// <summary>
/// A silo's background work (polling reminders, sweeping expired entries), run at once and then
/// every interval on the silo's clock until disposed. A run that fails is logged and the next one
/// comes on schedule; disposing cancels the run in progress and waits for it to end.
/// </summary>
internal sealed class PeriodicWork : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="name">What the work does, for the log: "Reading due reminders".</param>
    public PeriodicWork(string name, TimeSpan interval, Func<CancellationToken, Task> work, TimeProvider timeProvider, ILogger logger) =>
        _loop = Task.Run(() => LoopAsync(name, interval, work, timeProvider, logger));

    private async Task LoopAsync(string name, TimeSpan interval, Func<CancellationToken, Task> work, TimeProvider timeProvider, ILogger logger)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        do
        {
            try
            {
                await work(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "{Work} failed; retrying in {Interval}", name, interval);
            }
        }
        while (await WaitAsync(timer));
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
