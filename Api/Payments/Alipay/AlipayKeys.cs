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

    private static byte[] ReadPrivate(string? setting)
    {
        const string name = $"{AlipayOptions.SectionName}:PrivateKey";
        if (string.IsNullOrWhiteSpace(setting)) throw new FormatException($"{name} is not set.");
        var text = setting.Trim();
        if (!IsPem(text) && File.Exists(text)) text = File.ReadAllText(text).Trim();
        using var rsa = RSA.Create();
        try
        {
            if (IsPem(text)) rsa.ImportFromPem(text);
            else
                Import(Convert.FromBase64String(text), der => rsa.ImportPkcs8PrivateKey(der, out _),
                    der => rsa.ImportRSAPrivateKey(der, out _));
            return rsa.ExportPkcs8PrivateKey();
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw new FormatException(
                $"{name} is not an RSA private key (PEM, base64 PKCS#8 or PKCS#1, or a file holding one): {e.Message}", e);
        }
    }

    private static byte[] ReadPublic(string? setting)
    {
        const string name = $"{AlipayOptions.SectionName}:AlipayPublicKey";
        if (string.IsNullOrWhiteSpace(setting)) throw new FormatException($"{name} is not set.");
        var text = setting.Trim();
        using var rsa = RSA.Create();
        try
        {
            if (IsPem(text)) rsa.ImportFromPem(text);
            else
                Import(Convert.FromBase64String(text), der => rsa.ImportSubjectPublicKeyInfo(der, out _),
                    der => rsa.ImportRSAPublicKey(der, out _));
            return rsa.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw new FormatException($"{name} is not an RSA public key (PEM, or base64 as Alipay's console shows it): {e.Message}", e);
        }
    }

    private static bool IsPem(string text) => text.Contains("-----BEGIN", StringComparison.Ordinal);

    /// <summary>Tries the usual encoding first, then the PKCS#1 one some tools write.</summary>
    private static void Import(byte[] der, Action<byte[]> usual, Action<byte[]> pkcs1)
    {
        try
        {
            usual(der);
        }
        catch (CryptographicException)
        {
            pkcs1(der);
        }
    }
}
