
namespace Tollgate.Grains.Identity;

/// <summary>One per silo: the silo's cache of API-key identities, told to forget a key that changed.</summary>
[Alias("tollgate.IApiKeyCacheObserver")]
public interface IApiKeyCacheObserver : IGrainObserver
{
    /// <param name="keyHash">The key's hash, as its <see cref="IApiKeyGrain"/> is keyed.</param>
    Task Forget(string keyHash);
}
