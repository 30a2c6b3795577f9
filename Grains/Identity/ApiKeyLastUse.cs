namespace Tollgate.Grains.Identity;

/// <summary>
/// When an API key's grain stores its last use. Every silo asks the grain again for each key it serves once per
/// <c>Auth:ApiKeyCache:RevalidateAfter</c> (30 s), and the grain answers a read of <c>lastUsedAt</c> from memory while it
/// is active and stores it when it deactivates; so the stored value only has to survive a crash. Storing it on every
/// revalidation cost one write per active key per minute: with 10,000 keys in use, 167 writes a second that kept
/// SQLite's single writer busy and blocked the consumes behind it. The first use is stored at once.
/// </summary>
public static class ApiKeyLastUse
{
    /// <summary>The most a crash can lose of a key's last use.</summary>
    public static readonly TimeSpan StoreInterval = TimeSpan.FromHours(1);

    public static bool ShouldStore(DateTimeOffset? stored, DateTimeOffset now) => stored is null || now - stored >= StoreInterval;
}
