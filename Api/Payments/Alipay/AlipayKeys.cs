using System.Security.Cryptography;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// The two RSA keys of an Alipay application, read from configuration as Alipay hands them out: PEM, or the bare base64
/// of the DER (PKCS#8 or PKCS#1 for the private key, SubjectPublicKeyInfo or PKCS#1 for the public one), the private
/// key also from a file. Each use gets an <see cref="RSA"/> of its own, disposed after it.
/// </summary>
public sealed class AlipayKeys
{
    private readonly byte[] _privatePkcs8;
    private readonly byte[] _alipayPublicSpki;

    private AlipayKeys(byte[] privatePkcs8, byte[] alipayPublicSpki) =>
        (_privatePkcs8, _alipayPublicSpki) = (privatePkcs8, alipayPublicSpki);

    /// <summary>Reads both keys; a key that is missing or does not parse throws <see cref="FormatException"/> naming its setting.</summary>
    public static AlipayKeys Read(AlipayOptions options) => new(ReadPrivate(options.PrivateKey), ReadPublic(options.AlipayPublicKey));

    /// <summary>The application's private key, which signs what Tollgate sends.</summary>
    public RSA Private()
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(_privatePkcs8, out _);
        return rsa;
    }

    /// <summary>Alipay's public key, which verifies what Alipay sends.</summary>
    public RSA AlipayPublic()
    {
        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_alipayPublicSpki, out _);
        return rsa;
    }

    private static byte[] ReadPrivate(string? setting) => Read($"{AlipayOptions.SectionName}:PrivateKey", setting, fromFile: true,
        "an RSA private key (PEM, base64 PKCS#8 or PKCS#1, or a file holding one)",
        (rsa, der) => rsa.ImportPkcs8PrivateKey(der, out _), (rsa, der) => rsa.ImportRSAPrivateKey(der, out _),
        rsa => rsa.ExportPkcs8PrivateKey());

    private static byte[] ReadPublic(string? setting) => Read($"{AlipayOptions.SectionName}:AlipayPublicKey", setting, fromFile: false,
        "an RSA public key (PEM, or base64 as Alipay's console shows it)",
        (rsa, der) => rsa.ImportSubjectPublicKeyInfo(der, out _), (rsa, der) => rsa.ImportRSAPublicKey(der, out _),
        rsa => rsa.ExportSubjectPublicKeyInfo());

    /// <summary>PEM, or base64 DER in the usual encoding or else PKCS#1; the key is returned in the usual one.</summary>
    private static byte[] Read(string name, string? setting, bool fromFile, string what,
        Action<RSA, byte[]> usual, Action<RSA, byte[]> pkcs1, Func<RSA, byte[]> export)
    {
        if (string.IsNullOrWhiteSpace(setting)) throw new FormatException($"{name} is not set.");
        var text = setting.Trim();
        if (fromFile && !IsPem(text) && File.Exists(text)) text = File.ReadAllText(text).Trim();
        using var rsa = RSA.Create();
        try
        {
            if (IsPem(text)) rsa.ImportFromPem(text);
            else
            {
                var der = Convert.FromBase64String(text);
                try
                {
                    usual(rsa, der);
                }
                catch (CryptographicException)
                {
                    pkcs1(rsa, der);
                }
            }
            return export(rsa);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw new FormatException($"{name} is not {what}: {e.Message}", e);
        }
    }

    private static bool IsPem(string text) => text.Contains("-----BEGIN", StringComparison.Ordinal);
}
