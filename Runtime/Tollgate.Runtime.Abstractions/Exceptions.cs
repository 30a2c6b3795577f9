namespace Tollgate.Runtime;

/// <summary>
/// A state write lost a race: the stored version is not the one this activation read. Nothing was
/// written; the activation deactivates and the call may be retried, which reloads the state.
/// </summary>
public sealed class InconsistentStateException(string message, string? storedEtag, string? currentEtag)
    : Exception(message)
{
    public string? StoredEtag { get; } = storedEtag;
    public string? CurrentEtag { get; } = currentEtag;
}

/// <summary>A call would wait on itself: the target is already waiting further up this call chain.</summary>
public sealed class DeadlockException(string message) : Exception(message);

/// <summary>The runtime is stopping or stopped and takes no new calls.</summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
