namespace Tollgate.Runtime;

public interface IGrainFactory
{
    /// <summary>
    /// Returns a reference to the grain with this key. Creating a reference is cheap and never
    /// touches storage; the grain is activated on its first call.
    /// </summary>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
