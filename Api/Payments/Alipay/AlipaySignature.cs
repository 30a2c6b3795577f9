using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// Alipay's RSA2 signature: SHA256withRSA (PKCS#1 v1.5) over the UTF-8 bytes of a string, base64. For parameters the
/// string is every parameter but the excluded ones (<c>sign</c> for requests; <c>sign</c> and <c>sign_type</c> for
/// notifications) with a non-empty value, sorted by name (ordinal, i.e. by ASCII), as <c>name=value</c> joined by
/// <c>&amp;</c>, values raw (not URL-encoded). A response is signed over the exact JSON text of its response node.
/// </summary>
public static class AlipaySignature
{
    public const string SignType = "RSA2";

    /// <summary>The string Alipay signs for <paramref name="parameters"/>, less the <paramref name="excluded"/> names.</summary>
    public static string Content(IEnumerable<KeyValuePair<string, string?>> parameters, params string[] excluded) =>
        string.Join('&', parameters
            .Where(p => !excluded.Contains(p.Key, StringComparer.Ordinal) && !string.IsNullOrEmpty(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>
    /// What a notification may be signed over: Alipay's rule for notifications removes only <c>sign</c> and <c>sign_type</c>,
    /// so an empty value may be signed as <c>name=</c>, where the rule for requests leaves empty ones out. Both strings are
    /// tried when they differ; either, signed with Alipay's key, is Alipay's.
    /// </summary>
    public static IEnumerable<string> NotificationContents(IReadOnlyDictionary<string, string?> parameters)
    {
        var signed = parameters.Where(p => p.Key is not ("sign" or "sign_type")).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        yield return string.Join('&', signed.Select(p => $"{p.Key}={p.Value}"));
        if (signed.Any(p => string.IsNullOrEmpty(p.Value))) yield return Content(signed);
    }

    public static string Sign(string content, RSA privateKey) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>Whether <paramref name="sign"/> (base64) signs <paramref name="content"/>; malformed base64 does not.</summary>
    public static bool Verify(string content, string? sign, RSA publicKey)
    {
        if (string.IsNullOrEmpty(sign)) return false;
        var signature = new byte[sign.Length];
        return Convert.TryFromBase64String(sign, signature, out var length)
            && publicKey.VerifyData(
                Encoding.UTF8.GetBytes(content), signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
