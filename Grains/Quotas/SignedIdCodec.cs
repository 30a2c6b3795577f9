using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// Ids that carry what a later call needs to know, so that issuing one stores nothing: the
/// <paramref name="prefix"/> followed by base64url of <paramref name="fields"/> 8-byte big-endian
/// numbers and the first 16 bytes of an HMAC-SHA256 over the prefix, those numbers and the scope
/// (the grain's key). Each kind of id has its own prefix, which the MAC covers, so one secret serves
/// them all and an id of one kind never reads as another; an id of another scope, altered or made up
/// fails the check.
/// </summary>
public sealed class SignedIdCodec
{
    private const int MacBytes = 16;
    private readonly string _prefix;
    private readonly int _payloadBytes;
    private readonly int _length;
    private readonly byte[] _key;

    public SignedIdCodec(string prefix, int fields, byte[] key)
    {
        if (key.Length < 32) throw new ArgumentException("A signed id key holds at least 32 bytes.", nameof(key));
        if ((fields * 8 + MacBytes) % 3 != 0) throw new ArgumentException("The id's bytes must encode without padding.", nameof(fields));
        (_prefix, _payloadBytes, _key) = (prefix, fields * 8, key);
        _length = prefix.Length + ((_payloadBytes + MacBytes) * 4 / 3);
    }

    /// <summary>Whether <paramref name="id"/> has this codec's prefix.</summary>
    public bool Owns(string id) => id.StartsWith(_prefix, StringComparison.Ordinal);

    public string Write(string scope, ReadOnlySpan<long> values)
    {
        Span<byte> bytes = stackalloc byte[_payloadBytes + MacBytes];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64BigEndian(bytes[(i * 8)..], values[i]);
        Mac(scope, bytes[.._payloadBytes], bytes[_payloadBytes..]);
        return _prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads the numbers of <paramref name="id"/> into <paramref name="values"/> if this codec's key wrote it for <paramref name="scope"/>.</summary>
    public bool TryRead(string scope, string id, Span<long> values)
    {
        if (id.Length != _length || !Owns(id)) return false;
        Span<byte> bytes = stackalloc byte[_payloadBytes + MacBytes];
        // Not TryDecodeFromChars: it throws on a character outside the alphabet.
        if (Base64Url.DecodeFromChars(id.AsSpan(_prefix.Length), bytes, out _, out var written) != OperationStatus.Done
            || written != bytes.Length)
            return false;
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(scope, bytes[.._payloadBytes], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes[_payloadBytes..])) return false;
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64BigEndian(bytes[(i * 8)..]);
        return true;
    }

    /// <summary>A random number for an id, so that two equal ids issued in the same tick still differ.</summary>
    public static long Nonce()
    {
        Span<byte> nonce = stackalloc byte[8];
        RandomNumberGenerator.Fill(nonce);
        return BinaryPrimitives.ReadInt64BigEndian(nonce);
    }

    private void Mac(string scope, ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        // The payload has a fixed length, so the scope after it needs no delimiter.
        var input = new byte[_prefix.Length + _payloadBytes + Encoding.UTF8.GetByteCount(scope)];
        Encoding.ASCII.GetBytes(_prefix, input);
        payload.CopyTo(input.AsSpan(_prefix.Length));
        Encoding.UTF8.GetBytes(scope, input.AsSpan(_prefix.Length + _payloadBytes));
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, full);
        full[..MacBytes].CopyTo(mac);
    }
}
