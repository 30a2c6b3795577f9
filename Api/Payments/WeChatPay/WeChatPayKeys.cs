using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// The keys of <see cref="WeChatPayOptions"/>, parsed once: the merchant's RSA private key (signs requests), WeChat Pay's
/// platform RSA public key (verifies answers and notifications) and the APIv3 key (decrypts notifications).
/// </summary>
public sealed class WeChatPayKeys(IOptions<WeChatPayOptions> options)
{
    private readonly Lazy<(RSA Merchant, RSA Platform, byte[] ApiV3Key)> _keys = new(() => Load(options.Value));

    public RSA Merchant => _keys.Value.Merchant;
    public RSA Platform => _keys.Value.Platform;
    public byte[] ApiV3Key => _keys.Value.ApiV3Key;

    private static (RSA, RSA, byte[]) Load(WeChatPayOptions options) => (
        ReadRsa(options.MerchantPrivateKey, nameof(options.MerchantPrivateKey), mustBePrivate: true),
        ReadRsa(options.PlatformPublicKey, nameof(options.PlatformPublicKey), mustBePrivate: false),
        ReadApiV3Key(options.ApiV3Key));

    /// <summary>
    /// An RSA key from PEM text (PKCS#1 or PKCS#8 private, SubjectPublicKeyInfo public) or from the PEM file a path names.
    /// </summary>
    /// <exception cref="FormatException">It does not parse; the message names the key.</exception>
    public static RSA ReadRsa(string? value, string key, bool mustBePrivate)
    {
        var name = $"{WeChatPayOptions.SectionName}:{key}";
        if (string.IsNullOrWhiteSpace(value)) throw new FormatException($"{name} is not set.");
        var pem = value;
        if (!value.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (!File.Exists(value)) throw new FormatException($"{name} is neither PEM text nor the path of a readable file.");
            pem = File.ReadAllText(value);
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (mustBePrivate) rsa.ExportParameters(includePrivateParameters: true);
            if (rsa.KeySize < 2048) throw new FormatException($"{name} is a {rsa.KeySize}-bit key; WeChat Pay's are 2048-bit.");
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            var kind = mustBePrivate ? "private" : "public";
            throw new FormatException($"{name} does not parse as an RSA {kind} key in PEM: {e.Message}", e);
        }
    }

    /// <summary>The APIv3 key's 32 ASCII bytes: AES-256-GCM takes the key's characters as they are, not decoded.</summary>
    public static byte[] ReadApiV3Key(string? value)
    {
        const string name = $"{WeChatPayOptions.SectionName}:{nameof(WeChatPayOptions.ApiV3Key)}";
        if (string.IsNullOrEmpty(value)) throw new FormatException($"{name} is not set.");
        if (value.Length != 32 || !Ascii.IsValid(value))
            throw new FormatException(
                $"{name} must be 32 ASCII characters (the APIv3 key set in the merchant platform); it has {value.Length}.");
        return Encoding.ASCII.GetBytes(value);
    }
}
