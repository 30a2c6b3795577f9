
namespace Tollgate.Grains.Identity;

/// <summary>
/// One for the cluster (key 0): every silo's <see cref="IApiKeyCacheObserver"/> subscribes to it, and a
/// key grain tells it when its key stops authenticating as it did, so that every silo forgets it.
/// </summary>
[Alias("tollgate.IApiKeyCacheHubGrain")]
public interface IApiKeyCacheHubGrain : IGrainWithIntegerKey
{
    /// <summary>Subscribes or renews; a subscription not renewed for 30 seconds lapses.</summary>
    /// <returns>
    /// False when the hub did not hold this subscription (a new silo, a lapsed subscription, a hub that
    /// moved to another silo): the silo may have missed news, and forgets what it cached.
    /// </returns>
    Task<bool> Subscribe(IApiKeyCacheObserver observer);

    Task Unsubscribe(IApiKeyCacheObserver observer);

    /// <summary>Tells every subscribed silo to forget the key, waiting up to a second for them to answer.</summary>
    Task Forget(string keyHash);
}
