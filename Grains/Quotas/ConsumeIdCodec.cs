namespace Tollgate.Grains.Quotas;

/// <summary>What a consume id carries: all a refund needs to know of its consume.</summary>
/// <param name="At">When the consume was decided; the id lives <see cref="QuotaCounterGrain.IdempotencyRetention"/> from then.</param>
/// <param name="Nonce">Random: two equal consumes in the same tick still get different ids.</param>
public readonly record struct ConsumeTicket(DateTimeOffset At, DateTimeOffset WindowStart, long Amount, long Nonce);

/// <summary>
/// Writes and reads consume ids, so that a consume stores nothing for its id. An id is
/// <c>cns_v1</c> followed by 64 base64url characters (<see cref="SignedIdCodec"/>): the consume's time,
/// its window's start (UTC ticks), its amount and a nonce, MACed with the counter's key
/// ("{tenantId}/{quotaType}"). The MAC key is shared by every silo (<see cref="ConsumeIdKey"/>), so any
/// silo can read an id, and an id of another tenant or quota type, altered or made up fails the check.
/// </summary>
public sealed class ConsumeIdCodec(byte[] key)
{
    public const string Prefix = "cns_v1";

    private readonly SignedIdCodec _ids = new(Prefix, 4, key);

    /// <summary>Whether <paramref name="consumeId"/> is of this format, rather than a random id stored by an earlier version.</summary>
    public static bool IsTicket(string consumeId) => consumeId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>A new consume's id: its ticket with a random nonce.</summary>
    public string Issue(string counterKey, DateTimeOffset at, DateTimeOffset windowStart, long amount) =>
        Write(counterKey, new ConsumeTicket(at, windowStart, amount, SignedIdCodec.Nonce()));

    public string Write(string counterKey, ConsumeTicket ticket) =>
        _ids.Write(counterKey, [ticket.At.UtcTicks, ticket.WindowStart.UtcTicks, ticket.Amount, ticket.Nonce]);

    /// <summary>
    /// The ticket in <paramref name="consumeId"/> if this codec's key wrote it for <paramref name="counterKey"/>
    /// and it is younger than <paramref name="lifetime"/>; otherwise null.
    /// </summary>
    public ConsumeTicket? Read(string counterKey, string consumeId, DateTimeOffset now, TimeSpan lifetime)
    {
        Span<long> values = stackalloc long[4];
        if (!_ids.TryRead(counterKey, consumeId, values)) return null;
        var ticket = new ConsumeTicket(
            new DateTimeOffset(values[0], TimeSpan.Zero), new DateTimeOffset(values[1], TimeSpan.Zero), values[2], values[3]);
        return ticket.At > now - lifetime ? ticket : null;
    }
}
