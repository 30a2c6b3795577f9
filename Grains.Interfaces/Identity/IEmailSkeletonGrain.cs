namespace Tollgate.Grains.Identity;

/// <summary>
/// The global index of look-alike emails: keyed by an email's skeleton (see EmailSkeleton), it names
/// the first email with that skeleton whose owner proved it (verified). Unverified accounts hold nothing.
/// </summary>
[Alias("tollgate.IEmailSkeletonGrain")]
public interface IEmailSkeletonGrain : IGrainWithStringKey
{
    /// <summary>True when a different email with this skeleton is verified.</summary>
    Task<bool> IsHeldByAnother(string email);

    /// <summary>
    /// Takes the skeleton for the verified <paramref name="email"/>. True when it was free or already held by that
    /// same email; false when another verified email holds it.
    /// </summary>
    Task<bool> Claim(string email);
}
