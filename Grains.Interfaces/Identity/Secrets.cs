using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Random tokens, ids and token hashes, in one place; shared by the grains and the API, which finds an API key's
/// grain by the key's hash. Password hashing is the grains' alone (<c>Passwords</c>).
/// </summary>
public static class Secrets
{
    /// <summary>URL-safe random text carrying <paramref name="bytes"/> bytes of entropy.</summary>
    public static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A new identifier such as "usr_…": 128 random bits.</summary>
    public static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>SHA-256 of a token, hex: what is stored instead of the token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool HashEquals(string hashA, string hashB) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hashA), Encoding.ASCII.GetBytes(hashB));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
