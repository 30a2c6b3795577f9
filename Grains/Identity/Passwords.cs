using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Tollgate.Grains.Identity;

/// <summary>Password hashing, with ASP.NET Core Identity's hasher; only grains hash or verify passwords.</summary>
public static class Passwords
{
    private static PasswordHasher<object> s_hasher = new();
    private static readonly object s_user = new();

    // Verified when an email has no account, so a wrong email costs as long as a wrong password.
    private static string s_decoyHash = s_hasher.HashPassword(s_user, Secrets.RandomToken(16));

    public static string Hash(string password) => s_hasher.HashPassword(s_user, password);

    public static bool Verify(string hash, string password) =>
        s_hasher.VerifyHashedPassword(s_user, hash, password) != PasswordVerificationResult.Failed;

    public static void SpendDecoyVerification(string password) => Verify(s_decoyHash, password);

    /// <summary>
    /// For the API tests' process only: new hashes use <paramref name="iterations"/> PBKDF2 iterations rather than
    /// Identity's 100,000, so that the thousands of passwords a test run hashes cost little; a hash names its own
    /// count, so any hash still verifies.
    /// </summary>
    internal static void UseIterationsInTests(int iterations)
    {
        s_hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));
        s_decoyHash = s_hasher.HashPassword(s_user, Secrets.RandomToken(16));
    }
}
