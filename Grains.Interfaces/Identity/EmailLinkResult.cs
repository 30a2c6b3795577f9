namespace Tollgate.Grains.Identity;

/// <summary>What following an emailed link did.</summary>
public enum EmailLinkResult
{
    Done,
    /// <summary>Unknown, used, replaced, expired, or refused after too many wrong tries.</summary>
    Invalid,
    /// <summary>A look-alike address was verified first (see EmailSkeleton); this one cannot be.</summary>
    LookAlikeTaken,
}
