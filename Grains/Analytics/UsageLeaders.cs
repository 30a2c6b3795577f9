namespace Tollgate.Grains.Analytics;

/// <summary>
/// The tenants that used the most of a quota type in a month, from their counters' reports, keeping only the first
/// <see cref="Capacity"/> rather than every tenant: a report costs a look at the kept few, and the state stays small.
/// <para>While totals only grow, no tenant left out used more than the least kept, so the kept ones are the true leaders.
/// A refund can shrink a kept tenant below tenants once left out, whose totals are not known: <see cref="Floor"/> then
/// remembers the least kept before the shrink (no tenant left out used more), and only tenants above it are ranked
/// (<see cref="Top"/>). After many refunds the list can so be shorter than asked for, never wrong.</para>
/// </summary>
public sealed class UsageLeaders(int capacity, List<TenantUsage> kept, long floor)
{
    /// <summary>How many tenants are kept: enough that the 10 shown stay known through refunds of a few leaders.</summary>
    public const int DefaultCapacity = 50;

    public UsageLeaders() : this(DefaultCapacity, [], 0)
    {
    }

    public int Capacity => capacity;

    /// <summary>The kept tenants, most used first (ties by tenant id), each with more than 0 used.</summary>
    public IReadOnlyList<TenantUsage> Kept => kept;

    /// <summary>No tenant left out used more than this (0 until a refund shrank a kept tenant while the list was full).</summary>
    public long Floor { get; private set; } = floor;

    /// <summary>Takes in a tenant's reported totals of the month; returns whether what is kept changed.</summary>
    public bool Apply(TenantUsage reported)
    {
        var at = kept.FindIndex(t => t.TenantId == reported.TenantId);
        if (at >= 0)
        {
            var known = kept[at];
            // Consumed and refunded only grow within a month: the larger of each is the newer.
            var merged = known with
            {
                Consumed = Math.Max(known.Consumed, reported.Consumed),
                Refunded = Math.Max(known.Refunded, reported.Refunded),
            };
            if (merged == known) return false;
            if (merged.Used < known.Used && kept.Count == capacity) Floor = Math.Max(Floor, kept[^1].Used);
            kept.RemoveAt(at);
            if (merged.Used > 0) Insert(merged);
            return true;
        }
        if (reported.Used <= 0) return false;
        if (kept.Count == capacity)
        {
            // Left out: it used no more than the least kept, which stays so while totals grow.
            if (reported.Used <= kept[^1].Used) return false;
            kept.RemoveAt(kept.Count - 1);
        }
        Insert(reported);
        return true;
    }

    /// <summary>Up to <paramref name="count"/> tenants, most used first: only those no tenant left out can pass.</summary>
    public IReadOnlyList<TenantUsage> Top(int count) => [.. kept.TakeWhile(t => t.Used > Floor).Take(count)];

    private void Insert(TenantUsage usage)
    {
        var at = kept.FindIndex(t => Ranks(usage, before: t));
        kept.Insert(at < 0 ? kept.Count : at, usage);
    }

    private static bool Ranks(TenantUsage usage, TenantUsage before) =>
        usage.Used > before.Used || (usage.Used == before.Used && string.CompareOrdinal(usage.TenantId, before.TenantId) < 0);
}
