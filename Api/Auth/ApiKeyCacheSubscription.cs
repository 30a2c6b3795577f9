using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Api.Auth;

/// <summary>
/// Keeps this silo's <see cref="IApiKeyCacheObserver"/> subscribed to the cluster's <see cref="IApiKeyCacheHubGrain"/>,
/// renewing every 10 seconds (the hub lets a subscription lapse after 30), and drops stale cache entries.
/// Whenever the silo may have missed news (the hub did not know it, or could not be reached) it forgets its cache.
/// </summary>
internal sealed class ApiKeyCacheSubscription(
    IGrainFactory grains, IApiKeyCacheObserver observer, ApiKeyCache cache, ILogger<ApiKeyCacheSubscription> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan UnsubscribeWait = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private IApiKeyCacheObserver? _reference;
    private Task? _renewing;

    private IApiKeyCacheHubGrain Hub => grains.GetGrain<IApiKeyCacheHubGrain>(0);

    /// <summary>Subscribed before the silo takes requests, so a revocation reaches it from its first request on.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<IApiKeyCacheObserver>(observer);
        await RenewAsync();
        _renewing = RenewPeriodicallyAsync(_stopping.Token);
    }

    private async Task RenewPeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await RenewAsync();
                cache.Sweep();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            // Bounded, so a hub whose silo just died holds up neither start-up nor the next renewal.
            if (!await Hub.Subscribe(_reference!).WaitAsync(RenewEvery)) cache.Clear();
        }
        catch (Exception exception)
        {
            cache.Clear();
            logger.LogWarning(exception, "The API-key cache could not subscribe to revocations; it was emptied and will try again.");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_renewing is not null) await _renewing;
        if (Interlocked.Exchange(ref _reference, null) is not { } reference) return; // stopped already
        try
        {
            // So revocations stop waiting for this silo at once, rather than when its subscription lapses.
            await Hub.Unsubscribe(reference).WaitAsync(UnsubscribeWait, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogDebug(exception, "The API-key cache could not unsubscribe; its subscription will lapse.");
        }
    }

    public void Dispose() => _stopping.Dispose();
}
