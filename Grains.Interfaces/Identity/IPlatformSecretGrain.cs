namespace Tollgate.Grains.Identity;

/// <summary>Secrets the platform generates once and keeps, such as the JWT signing key; never in the clear.</summary>
[Alias("tollgate.IPlatformSecretGrain")]
public interface IPlatformSecretGrain : IGrainWithStringKey
{
    Task<StoredSecret> Get();

    /// <summary>
    /// Keeps <paramref name="protectedValue"/> unless a protected secret other than <paramref name="replacing"/>
    /// is kept already (another silo was first); returns the one kept. A raw legacy secret is dropped once
    /// the protected one is kept.
    /// </summary>
    /// <param name="replacing">The kept value the caller could not read (its Data Protection keys are gone), or null.</param>
    Task<string> Keep(string protectedValue, string? replacing);
}
