using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.Orders;

/// <summary>
/// Order and refund ids, made from what the client's <c>Idempotency-Key</c> names, so a retry reaches the same order (or refund)
/// and the grain that holds it decides whether it is a replay. An id is the merchant's trade number at the provider: letters,
/// digits and one underscore, 28 characters, within Alipay's <c>out_trade_no</c> (64, letters, digits, underscore) and WeChat Pay's
/// (6 to 32 of [0-9A-Za-z_-|*]).
/// </summary>
public static class OrderIds
{
    public const string OrderPrefix = "ord_";
    public const string RefundPrefix = "rfd_";

    public static string Order(string tenantId, string idempotencyKey) => OrderPrefix + Digest($"order\n{tenantId}\n{idempotencyKey}");

    public static string Refund(string orderId, string idempotencyKey) => RefundPrefix + Digest($"refund\n{orderId}\n{idempotencyKey}");

    /// <summary>Whether <paramref name="id"/> looks like an order id: anything else is not looked up.</summary>
    public static bool IsOrderId(string? id) =>
        id is { Length: 28 } && id.StartsWith(OrderPrefix, StringComparison.Ordinal)
        && !id.AsSpan(OrderPrefix.Length).ContainsAnyExcept(Alphabet);

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    // 120 bits of SHA-256 in base32 (24 characters): ids of different keys never meet in practice.
    private static string Digest(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var id = new StringBuilder(24);
        for (var bit = 0; bit < 120; bit += 5)
        {
            var value = ((hash[bit / 8] << 8) | hash[bit / 8 + 1]) >> (11 - bit % 8) & 31;
            id.Append(Alphabet[value]);
        }
        return id.ToString();
    }
}
