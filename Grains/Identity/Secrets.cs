using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Tollgate.Grains.Identity;

/// <summary>Password hashing, random tokens and token hashes, in one place.</summary>
public static class Secrets
{
    private static readonly PasswordHasher<object> s_hasher = new();
    private static readonly object s_user = new();

    // Verified when an email has no account, so a wrong email costs as long as a wrong password.
    private static readonly string s_decoyHash = s_hasher.HashPassword(s_user, RandomToken(16));

    public static string HashPassword(string password) => s_hasher.HashPassword(s_user, password);

    public static bool VerifyPassword(string hash, string password) =>
        s_hasher.VerifyHashedPassword(s_user, hash, password) != PasswordVerificationResult.Failed;

    public static void SpendDecoyVerification(string password) => VerifyPassword(s_decoyHash, password);

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
