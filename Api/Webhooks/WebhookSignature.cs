using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Webhooks;

/// <summary>
/// The <c>Tollgate-Signature</c> header, as Stripe signs its webhooks: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>,
/// the MAC over <c>"{t}.{body}"</c> keyed with the endpoint's whole secret (<c>whsec_…</c>, as UTF-8).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Tollgate-Signature";

    public static string For(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
