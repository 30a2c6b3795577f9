using System.Collections.Concurrent;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Failed logins of emails without an account, held in the silo's memory rather than in an
/// activation per email, so a flood of made-up emails costs a small entry each and no grain. At most
/// <see cref="Capacity"/> emails are held: past that, entries with no failure left in the window go,
/// and if that is not enough, arbitrary ones (an attacker who fills the table only frees made-up emails).
/// Never stored: a restart forgets them, as it forgets an activation.
/// </summary>
public sealed class UnclaimedEmailFailures
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset[]> _failures = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();

    /// <summary>How many emails are held.</summary>
    public int Count => _failures.Count;

    /// <summary>The email's failures, removed from here: the caller puts them back with <see cref="Keep"/>.</summary>
    public List<DateTimeOffset> Take(string email) => _failures.TryRemove(email, out var failures) ? [.. failures] : [];

    public void Keep(string email, IReadOnlyCollection<DateTimeOffset> failures, DateTimeOffset windowStart)
    {
        if (failures.Count == 0) return;
        if (_failures.Count >= Capacity) Prune(windowStart);
        _failures[email] = [.. failures];
    }

    /// <summary>Down to nine tenths of the capacity, so a full table is pruned once per tenth of it, not per failure.</summary>
    private void Prune(DateTimeOffset windowStart)
    {
        lock (_pruning)
        {
            if (_failures.Count < Capacity) return;
            foreach (var (email, failures) in _failures)
                if (failures.All(at => at <= windowStart)) _failures.TryRemove(email, out _);
            foreach (var email in _failures.Keys.Take(_failures.Count - Capacity * 9 / 10)) _failures.TryRemove(email, out _);
        }
    }
}
