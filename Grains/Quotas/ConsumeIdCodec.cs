using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.Quotas;

/// <summary>What a consume id carries: all a refund needs to know of its consume.</summary>
/// <param name="At">When the consume was decided; the id lives <see cref="QuotaCounterGrain.IdempotencyRetention"/> from then.</param>
/// <param name="Nonce">Random: two equal consumes in the same tick still get different ids.</param>
public readonly record struct ConsumeTicket(DateTimeOffset At, DateTimeOffset WindowStart, long Amount, long Nonce);

/// <summary>
/// Writes and reads consume ids, so that a consume stores nothing for its id. An id is
/// <c>cns_v1</c> followed by 64 base64url characters: 48 bytes holding the consume's time, its
/// window's start (UTC ticks), its amount and a nonce (8 bytes each, big-endian), then the first 16
/// bytes of an HMAC-SHA256 over the version, those 32 bytes and the counter's key ("{tenantId}/{quotaType}").
/// The MAC key is shared by every silo (<see cref="ConsumeIdKey"/>), so any silo can read an id, and
/// an id of another tenant or quota type, altered or made up fails the check.
/// </summary>
public sealed class ConsumeIdCodec
{
    public const string Prefix = "cns_v1";
    private const int PayloadBytes = 32, MacBytes = 16, TicketBytes = PayloadBytes + MacBytes;
    private static readonly int s_length = Prefix.Length + (TicketBytes * 4 / 3); // 48 bytes, no padding

    private readonly byte[] _key;

    public ConsumeIdCodec(byte[] key)
    {
        if (key.Length < 32) throw new ArgumentException("A consume id key holds at least 32 bytes.", nameof(key));
        _key = key;
    }

    /// <summary>Whether <paramref name="consumeId"/> is of this format, rather than a random id stored by an earlier version.</summary>
    public static bool IsTicket(string consumeId) => consumeId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>A new consume's id: its ticket with a random nonce.</summary>
    public string Issue(string counterKey, DateTimeOffset at, DateTimeOffset windowStart, long amount)
    {
        Span<byte> nonce = stackalloc byte[8];
        RandomNumberGenerator.Fill(nonce);
        return Write(counterKey, new ConsumeTicket(at, windowStart, amount, BinaryPrimitives.ReadInt64BigEndian(nonce)));
    }

    public string Write(string counterKey, ConsumeTicket ticket)
    {
        Span<byte> bytes = stackalloc byte[TicketBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ticket.At.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], ticket.WindowStart.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[16..], ticket.Amount);
        BinaryPrimitives.WriteInt64BigEndian(bytes[24..], ticket.Nonce);
        Mac(counterKey, bytes[..PayloadBytes], bytes[PayloadBytes..]);
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// The ticket in <paramref name="consumeId"/> if this codec's key wrote it for <paramref name="counterKey"/>
    /// and it is younger than <paramref name="lifetime"/>; otherwise null.
    /// </summary>
    public ConsumeTicket? Read(string counterKey, string consumeId, DateTimeOffset now, TimeSpan lifetime)
    {
        if (consumeId.Length != s_length || !IsTicket(consumeId)) return null;
        Span<byte> bytes = stackalloc byte[TicketBytes];
        // Not TryDecodeFromChars: it throws on a character outside the alphabet.
        if (Base64Url.DecodeFromChars(consumeId.AsSpan(Prefix.Length), bytes, out _, out var written) != OperationStatus.Done
            || written != TicketBytes)
            return null;
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(counterKey, bytes[..PayloadBytes], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes[PayloadBytes..])) return null;
        var ticket = new ConsumeTicket(
            new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes), TimeSpan.Zero),
            new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes[8..]), TimeSpan.Zero),
            BinaryPrimitives.ReadInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[24..]));
        return ticket.At > now - lifetime ? ticket : null;
    }

    private void Mac(string counterKey, ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        // The payload has a fixed length, so the counter's key after it needs no delimiter.
        var input = new byte[Prefix.Length + PayloadBytes + Encoding.UTF8.GetByteCount(counterKey)];
        Encoding.ASCII.GetBytes(Prefix, input);
        payload.CopyTo(input.AsSpan(Prefix.Length));
        Encoding.UTF8.GetBytes(counterKey, input.AsSpan(Prefix.Length + PayloadBytes));
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, full);
        full[..MacBytes].CopyTo(mac);
    }
}
