using Microsoft.AspNetCore.Identity;

namespace Tollgate.Grains.Identity;

/// <summary>Password hashing, with ASP.NET Core Identity's hasher; only grains hash or verify passwords.</summary>
public static class Passwords
{
    private static readonly PasswordHasher<object> s_hasher = new();
    private static readonly object s_user = new();

    // Verified when an email has no account, so a wrong email costs as long as a wrong password.
    private static readonly string s_decoyHash = s_hasher.HashPassword(s_user, Secrets.RandomToken(16));

    public static string Hash(string password) => s_hasher.HashPassword(s_user, password);

    public static bool Verify(string hash, string password) =>
        s_hasher.VerifyHashedPassword(s_user, hash, password) != PasswordVerificationResult.Failed;

    public static void SpendDecoyVerification(string password) => Verify(s_decoyHash, password);
}
