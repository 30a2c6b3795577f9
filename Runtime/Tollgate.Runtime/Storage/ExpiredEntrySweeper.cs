using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// Removes expired state entries from storage, whichever grain kept them and whether or not it is
/// still used, a bounded removal at a time (on SQLite carried by the batch writer, elsewhere in
/// transactions of their own beside the grains' writes). The silo sweeps every
/// <see cref="GrainRuntimeOptions.ExpiredEntrySweepInterval"/>; every silo does, and removing what
/// another silo removed finds nothing.
/// </summary>
internal sealed class ExpiredEntrySweeper(IGrainStorage storage, TimeProvider timeProvider, ILogger<ExpiredEntrySweeper> logger)
{
    /// <summary>Removes what has expired, a bounded transaction at a time until none is left.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        int last;
        do removed += last = await storage.RemoveExpiredEntriesAsync(now, cancellationToken);
        while (last == IGrainStorage.MaxExpiredRemoved);
        if (removed > 0) logger.LogDebug("Removed {Count} expired entries", removed);
    }
}
