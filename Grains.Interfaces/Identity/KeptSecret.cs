using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Grains.Identity;

/// <summary>
/// A random secret the platform generates once and keeps in an <see cref="IPlatformSecretGrain"/>,
/// encrypted with ASP.NET Core Data Protection so the database alone does not give it away. Every
/// silo reads the same one; the first to find none generates it.
/// </summary>
public static class KeptSecret
{
    /// <summary>
    /// The secret named <paramref name="name"/>: read, or generated (or, if kept raw by an earlier version, protected) and kept.
    /// </summary>
    /// <param name="purpose">The Data Protection purpose; changing it makes the stored secret unreadable.</param>
    public static async Task<byte[]> LoadAsync(
        IGrainFactory grains, IDataProtectionProvider dataProtection, string name, string purpose, int bytes, ILogger logger)
    {
        var protector = dataProtection.CreateProtector(purpose);
        var secret = grains.GetGrain<IPlatformSecretGrain>(name);
        var stored = await secret.Get();
        var kept = stored.Protected
            ?? await secret.Keep(protector.Protect(Convert.ToBase64String(stored.Legacy ?? RandomNumberGenerator.GetBytes(bytes))),
                replacing: null);
        try
        {
            return Convert.FromBase64String(protector.Unprotect(kept));
        }
        catch (CryptographicException exception)
        {
            // The Data Protection keys it was protected with are gone: a new secret replaces it, as losing them does the cookies.
            logger.LogWarning(exception,
                "The stored secret {Name} cannot be decrypted with this silo's Data Protection keys; a new one replaces it", name);
            var fresh = RandomNumberGenerator.GetBytes(bytes);
            var winner = await secret.Keep(protector.Protect(Convert.ToBase64String(fresh)), replacing: kept);
            return Convert.FromBase64String(protector.Unprotect(winner));
        }
    }
}
