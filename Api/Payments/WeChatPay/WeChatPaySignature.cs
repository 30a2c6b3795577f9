using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// WeChat Pay API v3's signatures (签名生成, 签名验证) and its encrypted resources (回调报文解密): SHA256withRSA with PKCS#1 v1.5
/// padding over newline-terminated lines, and AEAD_AES_256_GCM under the APIv3 key. Pure functions of their inputs.
/// </summary>
public static class WeChatPaySignature
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    /// <summary>How far a signed timestamp may be from now, either way: WeChat Pay's SDKs allow five minutes.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The request's signature string: method, URL path and query, timestamp, nonce and body, each line ending in <c>\n</c>.
    /// </summary>
    public static byte[] RequestMessage(string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Lines($"{method}\n{pathAndQuery}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{nonce}\n", body);

    /// <summary>An answer's or notification's signature string: <c>Wechatpay-Timestamp</c>, <c>Wechatpay-Nonce</c> and the body.</summary>
    public static byte[] AnswerMessage(string timestamp, string nonce, ReadOnlySpan<byte> body) => Lines($"{timestamp}\n{nonce}\n", body);

    public static string Sign(RSA key, byte[] message) =>
        Convert.ToBase64String(key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The <c>Authorization</c> header's value for a request signed by <paramref name="signature"/>.</summary>
    public static string Authorization(string mchId, string serialNo, long timestamp, string nonce, string signature) =>
        $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\"," +
        $"timestamp=\"{timestamp.ToString(CultureInfo.InvariantCulture)}\",serial_no=\"{serialNo}\"";

    /// <summary>32 random upper-case hex digits, as WeChat Pay's examples show its nonces.</summary>
    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Why an answer or a notification signed by WeChat Pay is not to be trusted, or null when it is: the <c>Wechatpay-Serial</c>
    /// names another key (<c>bad_signature</c>), the timestamp is more than <see cref="Tolerance"/> from <paramref name="now"/>
    /// (<c>stale</c>), or the signature does not verify under the platform public key (<c>bad_signature</c>).
    /// </summary>
    public static (string Reason, string Detail)? Refusal(
        string? serial, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body, RSA platformKey, string platformKeyId,
        DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce)
            || string.IsNullOrEmpty(serial))
            return ("bad_signature", "Wechatpay-Signature, -Timestamp, -Nonce and -Serial are required.");
        if (serial != platformKeyId)
            return ("bad_signature", $"Wechatpay-Serial names {serial}, not the configured platform public key {platformKeyId}.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return ("bad_signature", "Wechatpay-Timestamp is not a Unix time in seconds.");
        if ((DateTimeOffset.FromUnixTimeSeconds(seconds) - now).Duration() > Tolerance)
            return ("stale", $"Wechatpay-Timestamp {timestamp} is more than {Tolerance.TotalMinutes:0} minutes from now.");
        var bytes = new byte[(signature.Length + 3) / 4 * 3];
        if (!Convert.TryFromBase64String(signature, bytes, out var written)
            || !platformKey.VerifyData(AnswerMessage(timestamp, nonce, body), bytes.AsSpan(0, written), HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1))
            return ("bad_signature", "Wechatpay-Signature does not verify under the platform public key.");
        return null;
    }

    /// <summary>
    /// Decrypts an AEAD_AES_256_GCM resource: the base64 ciphertext ends in the 16-byte tag; nonce and associated data are
    /// its UTF-8 strings. Throws <see cref="CryptographicException"/> when the tag does not match (tampered, or another key).
    /// </summary>
    public static byte[] Decrypt(byte[] apiV3Key, string nonce, string? associatedData, string ciphertext)
    {
        const int tagSize = 16;
        var sealedBytes = Convert.FromBase64String(ciphertext);
        if (sealedBytes.Length < tagSize) throw new CryptographicException("The ciphertext is shorter than its tag.");
        var plaintext = new byte[sealedBytes.Length - tagSize];
        using var aes = new AesGcm(apiV3Key, tagSize);
        aes.Decrypt(Encoding.UTF8.GetBytes(nonce), sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext,
            Encoding.UTF8.GetBytes(associatedData ?? ""));
        return plaintext;
    }

    private static byte[] Lines(string head, ReadOnlySpan<byte> body)
    {
        var headBytes = Encoding.UTF8.GetBytes(head);
        var message = new byte[headBytes.Length + body.Length + 1];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(headBytes.Length));
        message[^1] = (byte)'\n';
        return message;
    }
}
