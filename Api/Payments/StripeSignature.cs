using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe's webhook signature: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=...]</c>, where a
/// v1 is the HMAC-SHA256 of <c>"{t}.{raw body}"</c> keyed with the endpoint's secret. Any matching
/// v1 will do (Stripe sends several while a secret is being rolled); the timestamp must be within
/// the tolerance, so a captured delivery cannot be replayed later.
/// </summary>
public static class StripeSignature
{
    public enum Result { Valid, Missing, Malformed, NoMatch, Expired }

    public static Result Verify(ReadOnlySpan<byte> body, string? header, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header)) return Result.Missing;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0) continue;
            var (name, value) = (part[..separator].Trim(), part[(separator + 1)..].Trim());
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            else if (name == "v1" && value.Length == 64 && TryHex(value, out var signature)) signatures.Add(signature);
        }
        if (timestamp is null || signatures.Count == 0) return Result.Malformed;

        var expected = Sign(timestamp.Value, body, secret);
        // Every candidate is compared in constant time, and all of them are compared.
        var matched = false;
        foreach (var signature in signatures) matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        if (!matched) return Result.NoMatch;
        return Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > tolerance.TotalSeconds ? Result.Expired : Result.Valid;
    }

    private static byte[] Sign(long timestamp, ReadOnlySpan<byte> body, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{timestamp}."));
        var signedPayload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signedPayload, 0);
        body.CopyTo(signedPayload.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signedPayload);
    }

    private static bool TryHex(string value, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
