using Microsoft.Extensions.Logging;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Fans a key's change out to every silo's API-key cache. Subscriptions live in memory only: a silo renews
/// its own every 10 seconds (which keeps this activation alive), and one that finds itself unknown here
/// forgets its cache, having perhaps missed news. Reentrant, so a silo slow to answer holds up nobody else.
/// </summary>
[GrainType("api-key-cache-hub"), Reentrant]
public sealed class ApiKeyCacheHubGrain(ILogger<ApiKeyCacheHubGrain> logger) : Grain, IApiKeyCacheHubGrain
{
    /// <summary>Three missed renewals: the silo is gone, or cannot reach the hub and trusts its cache only for a bounded time.</summary>
    private static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A revocation waits this long at most for the silos to forget the key; a silo still silent after it is partitioned or gone.
    /// </summary>
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(1);

    // Renewal times on a monotonic clock: the domain clock moves in tests, and subscriptions are not domain time.
    private readonly Dictionary<IApiKeyCacheObserver, long> _renewedAt = [];

    public Task<bool> Subscribe(IApiKeyCacheObserver observer)
    {
        var known = _renewedAt.ContainsKey(observer);
        _renewedAt[observer] = Environment.TickCount64;
        return Task.FromResult(known);
    }

    public Task Unsubscribe(IApiKeyCacheObserver observer)
    {
        _renewedAt.Remove(observer);
        return Task.CompletedTask;
    }

    public async Task Forget(string keyHash)
    {
        var now = Environment.TickCount64;
        foreach (var lapsed in _renewedAt.Where(s => now - s.Value > SubscriptionLifetime.TotalMilliseconds).Select(s => s.Key).ToList())
            _renewedAt.Remove(lapsed);
        var deliveries = Task.WhenAll(_renewedAt.Keys.ToList().Select(observer => DeliverAsync(observer, keyHash)));
        await Task.WhenAny(deliveries, Task.Delay(DeliveryWait));
    }

    private async Task DeliverAsync(IApiKeyCacheObserver observer, string keyHash)
    {
        try
        {
            await observer.Forget(keyHash);
        }
        catch (Exception exception)
        {
            // Its silo is gone or unreachable: it stops trusting its cache on its own, and subscribes again if it is back.
            _renewedAt.Remove(observer);
            logger.LogWarning(exception, "A silo's API-key cache could not be told to forget a key; it was unsubscribed.");
        }
    }
}
