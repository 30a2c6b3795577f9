namespace Tollgate.Grains.Identity;

/// <summary>
/// The global index of look-alike emails: keyed by an email's skeleton (see EmailSkeleton), it
/// names the one email that may register with it.
/// </summary>
[Alias("tollgate.IEmailSkeletonGrain")]
public interface IEmailSkeletonGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves the skeleton for <paramref name="email"/>. True when it was free or already held by
    /// that same email (so a registration that died half-way may try again); false when another holds it.
    /// </summary>
    Task<bool> Claim(string email);
}
